import { describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens.js';
import { admin } from '../helpers/admin.js';
import { freshSchema, PG_URL } from '../helpers/postgres.js';
import { redisUrl, scratchPrefix } from '../helpers/redis.js';
import type { Frame, TestClient } from '../helpers/test-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const SECRET = 'app-secret-of-at-least-32-characters!!';
const ADMIN = 'admin-key-separate-from-the-secret';
const key = { authorization: `Bearer ${ADMIN}` };

/** Two nodes of one cluster, with token auth and the admin key. */
async function cluster(): Promise<[TestServer, TestServer]> {
  const databaseSchema = freshSchema();
  const redisPrefix = scratchPrefix();
  const config = {
    databaseUrl: PG_URL,
    databaseSchema,
    redisUrl,
    redisPrefix,
    appSecret: SECRET,
    adminKey: ADMIN,
  };
  const a = await startTestServer(config);
  return [a, await startTestServer(config)];
}

async function connectWith(
  t: TestServer,
  userId: string,
  token: string,
): Promise<{ c: TestClient; reply: Frame }> {
  const c = await t.client();
  c.userId = userId;
  c.send({ action: '1', fromId: userId, token });
  return { c, reply: await c.next() };
}

describe('server API on a cluster of two nodes (PostgreSQL and Redis)', () => {
  it('kicks and revokes on every node, and the revocation holds on every node', async () => {
    const [a, b] = await cluster();
    const tokens = new TokenService(SECRET);
    const older = (await tokens.issue('alice', 3600, Date.now() - 60_000)).token;
    const newer = (await tokens.issue('alice', 3600, Date.now() - 1000)).token;
    await admin(a.server.url, 'PUT', '/v1/users/alice', { name: 'Alice' }, key);

    // a kick through node a closes alice's connections on node b (and on a)
    const onB = await connectWith(b, 'alice', newer);
    const onA = await connectWith(a, 'alice', newer);
    expect([onA.reply, onB.reply]).toEqual([
      { action: '1', toId: 'alice' },
      { action: '1', toId: 'alice' },
    ]);
    expect((await admin(a.server.url, 'POST', '/v1/users/alice/kick', { reason: 'moved' }, key)).status).toBe(
      200,
    );
    expect(await onB.c.closed).toEqual({ code: 4403, reason: 'moved' });
    expect(await onA.c.closed).toEqual({ code: 4403, reason: 'moved' });

    // presence through either node sees connections on the other
    const back = await connectWith(b, 'alice', older);
    const keep = await connectWith(b, 'alice', newer);
    expect(
      (await admin(a.server.url, 'POST', '/v1/presence', { users: ['alice', 'bob'] }, key)).body,
    ).toEqual({
      online: { alice: true, bob: false },
    });

    // a revocation through node a of tokens older than 30 s: node b closes the old token's connection
    const r = await admin(
      a.server.url,
      'POST',
      '/v1/users/alice/revoke',
      { before: Date.now() - 30_000 },
      key,
    );
    expect(r.status).toBe(200);
    expect(await back.c.closed).toEqual({ code: 4401, reason: 'the token was revoked' });
    expect(await keep.c.request({ action: '5', fromId: 'alice' })).toEqual({ action: '5', toId: 'alice' });
    // and both nodes refuse the old token at connect, from the store
    for (const node of [a, b]) {
      const refused = await connectWith(node, 'alice', older);
      expect(refused.reply).toMatchObject({ action: '0', code: 'AUTH_FAILED' });
      expect((await refused.c.closed).code).toBe(4401);
    }
    expect((await connectWith(a, 'alice', newer)).reply).toEqual({ action: '1', toId: 'alice' });
  });

  it('delivers an API message sent through one node to connections on the other, and deletes a user there', async () => {
    const [a, b] = await cluster();
    const token = async (userId: string) => (await new TokenService(SECRET).issue(userId, 3600)).token;
    for (const id of ['alice', 'bob']) await admin(a.server.url, 'PUT', `/v1/users/${id}`, { name: id }, key);
    const bob = (await connectWith(b, 'bob', await token('bob'))).c;
    const alice = (await connectWith(b, 'alice', await token('alice'))).c;
    const sent = await admin(
      a.server.url,
      'POST',
      '/v1/messages',
      { fromId: 'alice', toId: 'bob', message: 'hi' },
      key,
    );
    expect(await bob.nextAction('3')).toMatchObject({
      fromId: 'alice',
      chatMsg: { id: sent.body.id, message: 'hi' },
    });
    expect(await alice.nextAction('3')).toMatchObject({
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { id: sent.body.id },
    });
    const del = await admin(a.server.url, 'DELETE', '/v1/users/alice', undefined, key);
    expect(del).toMatchObject({ status: 200, body: { deleted: true, erased: 1 } });
    expect(await alice.closed).toEqual({ code: 4403, reason: 'the account was deleted' });
    expect(await bob.nextAction('6')).toEqual({
      action: '6',
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { id: sent.body.id },
    });
  });
});
