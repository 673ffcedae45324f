import { describe, expect, it } from 'vitest';
import { TokenService } from '../src/auth/tokens.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { admin } from './helpers/admin.js';
import type { Frame, TestClient } from './helpers/test-client.js';
import { startTestServer, type TestServer, tempDir } from './helpers/test-server.js';
import { closedWithin } from './helpers/wait-for.js';

const SECRET = 'app-secret-of-at-least-32-characters!!';
const ADMIN = 'admin-key-separate-from-the-secret';
const key = { authorization: `Bearer ${ADMIN}` };

/** A client connected with a token; the reply to its action 1. */
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

describe('server API: users', () => {
  it('pages a user’s history as action 12 does, groups included for members', async () => {
    const t = await startTestServer();
    const url = t.server.url;
    for (const id of ['alice', 'bob', 'carol']) await admin(url, 'PUT', `/v1/users/${id}`, { name: id });
    const ids: string[] = [];
    for (const [fromId, toId] of [
      ['alice', 'bob'],
      ['bob', 'alice'],
      ['alice', 'carol'],
      ['alice', 'bob'],
    ])
      ids.push(
        (await admin(url, 'POST', '/v1/messages', { fromId, toId, message: `${fromId}>${toId}` })).body.id,
      );
    const page = (q: string) => admin(url, 'GET', `/v1/users/alice/history${q}`);
    const all = await page('');
    expect(all.status).toBe(200);
    expect(all.body.userId).toBe('alice');
    expect(all.body.historyMsgs.map((e: Frame) => e.chatMsg.id)).toEqual(ids);
    const withBob = await page('?peer=bob&limit=2');
    expect(withBob.body).toMatchObject({ userId: 'alice', peer: 'bob' });
    expect(withBob.body.historyMsgs.map((e: Frame) => e.chatMsg.message)).toEqual(['bob>alice', 'alice>bob']);
    // received messages carry the reader's position, as in action 12
    expect(withBob.body.historyMsgs[0].chatMsg.seq).toBe(2);
    const older = await page(`?peer=bob&before=${withBob.body.historyMsgs[0].chatMsg.id}`);
    expect(older.body.historyMsgs.map((e: Frame) => e.chatMsg.id)).toEqual([ids[0]]);
    expect((await page(`?peer=bob&before=${ids[0]}`)).body.historyMsgs).toEqual([]);

    await admin(url, 'POST', '/v1/groups', { id: '~g', name: 'G', ownerId: 'alice', members: ['bob'] });
    await admin(url, 'POST', '/v1/messages', { fromId: 'bob', toId: '~g', message: 'in the group' });
    const g = await admin(url, 'GET', '/v1/users/alice/history?peer=~g');
    expect(g.body.historyMsgs.map((e: Frame) => e.event?.type ?? e.chatMsg.message)).toEqual([
      'created',
      'in the group',
    ]);
    const before = await admin(url, 'GET', '/v1/users/alice/history?peer=~g&beforeSeq=2');
    expect(before.body.historyMsgs.map((e: Frame) => e.event.type)).toEqual(['created']);
    expect(await admin(url, 'GET', '/v1/users/carol/history?peer=~g')).toMatchObject({
      status: 403,
      body: { code: 'NOT_MEMBER' },
    });
  });

  it('answers the presence of many users at once, across their connections', async () => {
    const t = await startTestServer();
    const url = t.server.url;
    const alice = await t.connect('alice');
    await t.connect('bob');
    const r = await admin(url, 'POST', '/v1/presence', {
      users: ['alice', 'bob', 'carol', 'alice', '__proto__'],
    });
    expect(r).toEqual({
      status: 200,
      body: { online: JSON.parse('{"alice":true,"bob":true,"carol":false,"__proto__":false}') },
    });
    expect(Object.keys(r.body.online)).toContain('__proto__');
    await alice.close();
    await expect
      .poll(async () => (await admin(url, 'POST', '/v1/presence', { users: ['alice'] })).body.online.alice)
      .toBe(false);
  });

  it('kicks every connection of a user with 4403 and the reason; the user may connect again', async () => {
    const t = await startTestServer();
    const url = t.server.url;
    const phone = await t.connect('alice');
    const laptop = await t.connect('alice');
    const bob = await t.connect('bob');
    expect(await admin(url, 'POST', '/v1/users/alice/kick', { reason: 'maintenance' })).toEqual({
      status: 200,
      body: { userId: 'alice', kicked: true },
    });
    for (const c of [phone, laptop]) expect(await c.closed).toEqual({ code: 4403, reason: 'maintenance' });
    expect(await bob.request({ action: '5', fromId: 'bob' })).toEqual({ action: '5', toId: 'bob' });
    await admin(url, 'POST', '/v1/users/bob/kick');
    expect(await bob.closed).toEqual({ code: 4403, reason: 'closed by the operator' });
    const again = await t.connect('alice');
    expect(await again.request({ action: '5', fromId: 'alice' })).toEqual({ action: '5', toId: 'alice' });
  });

  it('revokes tokens issued before a time: open connections close with 4401, connects and uploads are refused, newer tokens work, across a restart', async () => {
    const dataDir = tempDir();
    let t = await startTestServer({ appSecret: SECRET, adminKey: ADMIN }, {}, dataDir);
    const tokens = new TokenService(SECRET);
    const old = (await tokens.issue('alice', 3600, Date.now() - 60_000)).token;
    const recent = (await tokens.issue('alice', 3600, Date.now() - 1000)).token;
    await admin(t.server.url, 'PUT', '/v1/users/alice', { name: 'Alice' }, key);
    const a1 = await connectWith(t, 'alice', old);
    const a2 = await connectWith(t, 'alice', recent);
    expect([a1.reply, a2.reply]).toEqual([
      { action: '1', toId: 'alice' },
      { action: '1', toId: 'alice' },
    ]);
    // tokens issued before 30 s ago: the old one's connection goes, the recent one's stays
    const before = Date.now() - 30_000;
    const r = await admin(t.server.url, 'POST', '/v1/users/alice/revoke', { before }, key);
    expect(r).toEqual({ status: 200, body: { userId: 'alice', validFrom: before } });
    expect(await a1.c.closed).toEqual({ code: 4401, reason: 'the token was revoked' });
    expect(await a2.c.request({ action: '5', fromId: 'alice' })).toEqual({ action: '5', toId: 'alice' });
    const refused = await connectWith(t, 'alice', old);
    expect(refused.reply).toMatchObject({
      action: '0',
      code: 'AUTH_FAILED',
      error: expect.stringMatching(/revoked/),
    });
    expect((await refused.c.closed).code).toBe(4401);
    // an upload with a revoked token is refused too
    const upload = await fetch(`${t.server.url}/files?name=a.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${old}`, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(upload.status).toBe(401);

    // without `before`: every token issued until now; the revocation only ever moves forward
    const now = await admin(t.server.url, 'POST', '/v1/users/alice/revoke', undefined, key);
    expect(now.body.validFrom).toBeGreaterThan(before);
    expect(await a2.c.closed).toEqual({ code: 4401, reason: 'the token was revoked' });
    const back = await admin(t.server.url, 'POST', '/v1/users/alice/revoke', { before: before - 1 }, key);
    expect(back.body.validFrom).toBe(now.body.validFrom);
    const fresh = (
      await admin(
        t.server.url,
        'POST',
        '/v1/tokens',
        { userId: 'alice' },
        { authorization: `Bearer ${SECRET}` },
      )
    ).body.token as string;
    expect((await connectWith(t, 'alice', fresh)).reply).toEqual({ action: '1', toId: 'alice' });

    // stored: a restarted server refuses the revoked tokens as well
    await t.stop();
    t = await startTestServer({ appSecret: SECRET, adminKey: ADMIN }, {}, dataDir);
    expect((await connectWith(t, 'alice', recent)).reply).toMatchObject({ code: 'AUTH_FAILED' });
    expect((await connectWith(t, 'alice', fresh)).reply).toEqual({ action: '1', toId: 'alice' });
  });

  it('closes a connection whose token was revoked between its check and its bind (the kick missed it)', async () => {
    const store = new HeldRevocationStore({ dataDir: tempDir() });
    const t = await startTestServer({ appSecret: SECRET, adminKey: ADMIN }, { store });
    const token = (await new TokenService(SECRET).issue('alice', 3600, Date.now() - 5000)).token;
    await admin(t.server.url, 'PUT', '/v1/users/alice', { name: 'Alice' }, key);
    const held = store.holdNextLookup();
    const c = await t.client();
    c.send({ action: '1', fromId: 'alice', token });
    await held.reached; // the token check read "never revoked"
    expect((await admin(t.server.url, 'POST', '/v1/users/alice/revoke', {}, key)).status).toBe(200);
    held.release();
    expect(await c.next()).toMatchObject({ action: '0', code: 'AUTH_FAILED', ref: { action: '1' } });
    expect(await closedWithin(c, 3000)).toBe(4401);
  });
});

/** A store whose next revocation lookup answers what it read, but only once the test says so. */
class HeldRevocationStore extends SqliteStore {
  private hold: { reached: () => void; released: Promise<void> } | undefined;

  holdNextLookup(): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const reachedP = new Promise<void>((r) => {
      reached = r;
    });
    this.hold = { reached, released };
    return { reached: reachedP, release };
  }

  override async tokensValidFrom(userId: string): Promise<number> {
    const value = await super.tokensValidFrom(userId);
    const hold = this.hold;
    this.hold = undefined;
    if (hold) {
      hold.reached();
      await hold.released;
    }
    return value;
  }
}
