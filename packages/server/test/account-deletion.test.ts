import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ServerConfig } from '../src/config/config.js';
import type { ServerParts } from '../src/server.js';
import { admin } from './helpers/admin.js';
import { freshSchema, PG_URL, pgQuery } from './helpers/postgres.js';
import type { Frame, TestClient } from './helpers/test-client.js';
import { onCleanup, startTestServer, type TestServer } from './helpers/test-server.js';
import { WEBHOOK_TEST_SECRET, type WebhookData, webhookReceiver } from './helpers/webhook-receiver.js';
import { join } from './rooms/room-frames.js';

const SECRET = 'app-secret-of-at-least-32-characters!!';
const ADMIN = 'admin-key-separate-from-the-secret';
const key = { authorization: `Bearer ${ADMIN}` };

/** Where a user's id may be: none of these rows may be left once the user is deleted. */
const OWNED: [string, string][] = [
  ['users', 'id'],
  ['user_timeline', 'user_id'],
  ['pending', 'user_id'],
  ['pending_counts', 'user_id'],
  ['notices', 'user_id'],
  ['conversations', 'user_id'],
  ['contacts', 'user_id'],
  ['contacts', 'contact_id'],
  ['friend_requests', 'from_id'],
  ['friend_requests', 'to_id'],
  ['reservations', 'user_id'],
  ['id_ranges', 'user_id'],
  ['blocks', 'user_id'],
  ['blocks', 'blocked_id'],
  ['group_members', 'user_id'],
  ['upload_usage', 'owner'],
  ['files', 'owner'],
  ['room_messages', 'from_id'],
];
/**
 * Tables of one backend only: the SQLite store counts pending messages in memory, and keeps
 * reserved ids as ranges.
 */
const ONLY: Record<string, Set<string>> = {
  SQLite: new Set(['id_ranges']),
  PostgreSQL: new Set(['pending_counts', 'reservations']),
};
const ownedBy = (backend: string) =>
  OWNED.filter(([table]) => !Object.entries(ONLY).some(([b, only]) => b !== backend && only.has(table)));

interface Backend {
  name: string;
  start(
    more?: Partial<ServerConfig>,
    parts?: ServerParts,
  ): Promise<{
    t: TestServer;
    query: (sql: string, userId: string) => Promise<Record<string, unknown>[]>;
  }>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    async start(more = {}, parts = {}) {
      const t = await startTestServer({ appSecret: SECRET, adminKey: ADMIN, ...more }, parts);
      const db = new Database(path.join(t.dataDir, 'parley.db'), { readonly: true });
      onCleanup(() => db.close());
      return { t, query: async (sql, userId) => db.prepare(sql).all(userId) as Record<string, unknown>[] };
    },
  },
  {
    name: 'PostgreSQL',
    async start(more = {}, parts = {}) {
      const databaseSchema = freshSchema();
      const t = await startTestServer(
        { appSecret: SECRET, adminKey: ADMIN, databaseUrl: PG_URL, databaseSchema, ...more },
        parts,
      );
      return {
        t,
        query: (sql, userId) =>
          pgQuery(sql.replace(/FROM (\w+)/, `FROM "${databaseSchema}".$1`).replaceAll('?', '$1'), [userId]),
      };
    },
  },
];

describe.each(backends)('account deletion ($name)', (backend) => {
  it('erases what the user sent (recipients see the recall), leaves its groups, removes its files and every row of it', async () => {
    const { t, query } = await backend.start();
    const url = t.server.url;
    const call = (method: string, p: string, body?: unknown) => admin(url, method, p, body, key);
    const token = async (userId: string) =>
      (await admin(url, 'POST', '/v1/tokens', { userId }, { authorization: `Bearer ${SECRET}` })).body
        .token as string;
    const connect = async (userId: string): Promise<TestClient> => {
      const c = await t.client();
      c.userId = userId;
      expect(await c.request({ action: '1', fromId: userId, token: await token(userId) })).toEqual({
        action: '1',
        toId: userId,
      });
      return c;
    };
    const upload = async (userId: string, body: string) => {
      const res = await fetch(`${url}/files?name=f.txt`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token(userId)}`, 'content-type': 'text/plain' },
        body,
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { url: string }).url;
    };
    const send = async (fromId: string, toId: string, message: string) =>
      (await call('POST', '/v1/messages', { fromId, toId, message })).body.id as string;

    for (const id of ['alice', 'bob', 'carol']) await call('PUT', `/v1/users/${id}`, { name: id });
    const aliceFile = await upload('alice', 'same content');
    const bobFile = await upload('bob', 'same content'); // shares alice's blob
    const aliceOnly = await upload('alice', 'only alice has this');

    // groups: one alice owns (bob, carol members), one she left after posting to it
    await call('POST', '/v1/groups', { id: '~g', name: 'G', ownerId: 'alice', members: ['bob', 'carol'] });
    await call('POST', '/v1/groups', { id: '~old', name: 'Old', ownerId: 'carol', members: ['alice'] });
    const inOld = await send('alice', '~old', 'said before leaving');
    await call('POST', '/v1/groups/~old/changes', { op: 'leave', actorId: 'alice' });
    const inG = await send('alice', '~g', 'hello group');
    const carolInG = await send('carol', '~g', 'carol in the group');

    const phone = await connect('alice');
    const laptop = await connect('alice');
    await join(phone, '!lobby');
    await phone.say('!lobby', 'in the room');
    const bob = await connect('bob');
    const toBob = [await send('alice', 'bob', 'secret 1'), await send('alice', 'bob', 'secret 2')];
    const fromBob = await send('bob', 'alice', 'bob to alice');
    const toCarol = await send('alice', 'carol', 'carol is offline');
    await send('alice', 'alice', 'a note');
    await call('PUT', '/v1/users/alice/contacts', { contacts: ['bob'] });
    await call('PUT', '/v1/users/bob/contacts', { contacts: ['alice', 'carol'] });
    bob.send({ action: '20', fromId: 'bob', toId: 'alice', blocked: true });
    await bob.nextAction('20');
    phone.send({ action: '20', fromId: 'alice', toId: 'carol', blocked: true });
    await phone.nextAction('20');
    phone.send({ action: '8', fromId: 'alice', toId: 'carol', chatMsg: { message: 'friends?' } });
    await phone.nextAction('8');
    await phone.ids(); // reservations
    await bob.drain();

    const oldToken = await token('alice');
    const r = await call('DELETE', '/v1/users/alice');
    expect(r).toEqual({
      status: 200,
      body: { userId: 'alice', deleted: true, erased: 6, groupsLeft: 1, files: 2 },
    });
    for (const c of [phone, laptop])
      expect(await c.closed).toEqual({ code: 4403, reason: 'the account was deleted' });
    expect(await call('DELETE', '/v1/users/alice')).toMatchObject({
      status: 404,
      body: { code: 'UNKNOWN_USER' },
    });
    expect((await call('GET', '/v1/users/alice')).status).toBe(404);

    // bob, online, is told as by action 6: the recalls, the group's recall entry, alice leaving
    const seen: Frame[] = [];
    while (seen.filter((f) => f.action === '6').length < 3) seen.push(await bob.next());
    const recalls = seen.filter((f) => f.action === '6');
    expect(recalls).toEqual(
      expect.arrayContaining([
        { action: '6', fromId: 'alice', toId: 'bob', chatMsg: { id: toBob[0] } },
        { action: '6', fromId: 'alice', toId: 'bob', chatMsg: { id: toBob[1] } },
        { action: '6', fromId: 'alice', toId: '~g', chatMsg: { id: inG, seq: expect.any(Number) } },
      ]),
    );
    const events = [...seen, ...(await bob.drain())].filter((f) => f.action === '16').map((f) => f.event);
    expect(events).toEqual([
      expect.objectContaining({ type: 'owner', users: ['bob'] }),
      expect.objectContaining({ type: 'left', users: ['alice'] }),
    ]);
    // history shows them recalled and empty; what bob sent to alice stays his
    const h = await bob.request({ action: '12', fromId: 'bob', toId: 'alice' });
    expect(
      h.historyMsgs.map((e: Frame) => [e.chatMsg.id, e.chatMsg.message, e.chatMsg.recalled ?? false]),
    ).toEqual([
      [toBob[0], '', true],
      [toBob[1], '', true],
      [fromBob, 'bob to alice', false],
    ]);
    const g = await bob.request({ action: '12', fromId: 'bob', toId: '~g' });
    const gMsgs = g.historyMsgs
      .filter((e: Frame) => e.chatMsg)
      .map((e: Frame) => [e.chatMsg.id, e.chatMsg.message]);
    expect(gMsgs).toEqual([
      [inG, ''],
      [carolInG, 'carol in the group'],
    ]);
    expect((await call('GET', '/v1/groups/~g')).body).toMatchObject({
      group: { ownerId: 'bob', memberCount: 2 },
      members: [{ userId: 'bob', role: 'owner' }, { userId: 'carol' }],
    });
    expect((await call('GET', '/v1/users/carol/history?peer=~old')).body.historyMsgs).toContainEqual(
      expect.objectContaining({
        chatMsg: expect.objectContaining({ id: inOld, message: '', recalled: true }),
      }),
    );
    // carol was offline: the message to her is no longer pending; its recall comes at her connect
    const carol = await connect('carol');
    const backlog = await carol.drain();
    expect(backlog.filter((f) => f.action === '3' && f.toId === 'carol')).toEqual([]);
    // (her group backlog has alice's group messages as erased: recalled and empty)
    for (const f of backlog.filter((x) => x.action === '3' && x.fromId === 'alice'))
      expect(f.chatMsg).toMatchObject({ message: '', recalled: true });
    expect(backlog).toContainEqual({ action: '6', fromId: 'alice', toId: 'carol', chatMsg: { id: toCarol } });
    expect((await carol.request({ action: '11', fromId: 'carol' })).contacts).toEqual([]);
    expect((await bob.request({ action: '11', fromId: 'bob' })).contacts).toEqual([
      { toId: 'carol', toName: 'carol' },
    ]);
    expect((await bob.request({ action: '21', fromId: 'bob' })).blocked).toEqual([]);

    // files: alice's are gone; bob's, with the same content, is still served
    expect((await fetch(aliceFile)).status).toBe(404);
    expect((await fetch(aliceOnly)).status).toBe(404);
    const kept = await fetch(bobFile);
    expect([kept.status, await kept.text()]).toEqual([200, 'same content']);

    // and nothing of alice is left in the tables; her messages are empty shells
    for (const [table, column] of ownedBy(backend.name)) {
      expect([table, column, await query(`SELECT * FROM ${table} WHERE ${column} = ?`, 'alice')]).toEqual([
        table,
        column,
        [],
      ]);
    }
    const sent = await query('SELECT body, digest, recalled FROM messages WHERE from_id = ?', 'alice');
    expect(sent).toHaveLength(6);
    for (const m of sent) expect([m.body, m.digest, Boolean(m.recalled)]).toEqual(['', '', true]);
    // her tokens from before stay refused; a new account under the id starts empty
    const old = await t.client();
    old.send({ action: '1', fromId: 'alice', token: oldToken });
    expect(await old.next()).toMatchObject({ action: '0', code: 'AUTH_FAILED' });
    const again = await connect('alice');
    expect(await again.drain()).toEqual([]);
    expect((await again.request({ action: '17', fromId: 'alice' })).conversations).toEqual([]);
  });

  it("blanks the user's words in the webhook outbox, delivered or not, and tells the receiver of each erasure", async () => {
    const hook = await webhookReceiver();
    const { t, query } = await backend.start(
      { webhookUrl: hook.url, webhookSecret: WEBHOOK_TEST_SECRET },
      { webhookTiming: { pollMs: 50, leaseCheckMs: 200 } },
    );
    const call = (method: string, p: string, body?: unknown) => admin(t.server.url, method, p, body, key);
    for (const id of ['alice', 'bob']) await call('PUT', `/v1/users/${id}`, { name: id });
    await call('POST', '/v1/groups', { id: '~g', name: 'G', ownerId: 'bob', members: ['alice'] });
    const send = async (fromId: string, toId: string, message: string) =>
      (await call('POST', '/v1/messages', { fromId, toId, message })).body.id as string;
    const delivered = await send('alice', 'bob', 'delivered secret');
    const inGroup = await send('alice', '~g', 'group secret');
    const fromBob = await send('bob', 'alice', 'bob keeps this');
    await hook.until(() => hook.delivered.filter((e) => e.type === 'message.sent').length === 3, '3 sent');
    // the receiver is down: the next events wait in the outbox, text and all
    await hook.down();
    const waiting = await send('alice', 'bob', 'waiting secret');
    const c = await t.client();
    const token = (
      await admin(
        t.server.url,
        'POST',
        '/v1/tokens',
        { userId: 'alice' },
        {
          authorization: `Bearer ${SECRET}`,
        },
      )
    ).body.token as string;
    await c.request({ action: '1', fromId: 'alice', token });
    c.send({ action: '8', fromId: 'alice', toId: 'bob', chatMsg: { message: 'request secret' } });
    await c.nextAction('8');
    const secrets = async () =>
      (await query('SELECT type, body FROM webhook_outbox WHERE body LIKE ?', '%secret%')).map((r) => r.type);
    expect((await secrets()).sort()).toEqual([
      'friend.requested',
      'message.sent',
      'message.sent',
      'message.sent',
    ]);

    expect((await call('DELETE', '/v1/users/alice')).status).toBe(200);
    // nothing alice wrote is left in the outbox; bob's message is untouched
    expect(await secrets()).toEqual([]);
    const bodies = (await query('SELECT body FROM webhook_outbox WHERE type <> ?', 'user.online')).map(
      (r) => JSON.parse(r.body as string) as { type: string; data: WebhookData },
    );
    const sentBy = (id: string) =>
      bodies.filter((b) => b.type === 'message.sent' && b.data.chatMsg.id === id).map((b) => b.data);
    for (const id of [delivered, inGroup, waiting])
      expect(sentBy(id)).toEqual([
        expect.objectContaining({
          fromId: 'alice',
          erased: true,
          chatMsg: expect.objectContaining({ id, message: '' }),
        }),
      ]);
    expect(sentBy(fromBob)).toEqual([expect.not.objectContaining({ erased: true })]);
    expect(sentBy(fromBob)[0]!.chatMsg.message).toBe('bob keeps this');
    expect(bodies.filter((b) => b.type === 'friend.requested').map((b) => b.data)).toEqual([
      expect.objectContaining({ fromId: 'alice', toId: 'bob', message: '', erased: true }),
    ]);
    expect(await query('SELECT id FROM webhook_outbox WHERE from_id = ?', 'alice')).toEqual([]);

    // back up: the waiting events go out blanked, and every erasure comes as a recall marked erased
    await hook.up();
    const recalled = (id: string) =>
      hook.event((e) => e.type === 'message.recalled' && e.data.chatMsg.id === id);
    for (const [id, toId] of [
      [delivered, 'bob'],
      [waiting, 'bob'],
    ])
      expect((await recalled(id!)).data).toEqual({ fromId: 'alice', toId, chatMsg: { id }, erased: true });
    expect((await recalled(inGroup)).data).toEqual({
      fromId: 'alice',
      toId: '~g',
      chatMsg: { id: inGroup, seq: expect.any(Number) },
      erased: true,
    });
    const late = await hook.event((e) => e.type === 'message.sent' && e.data.chatMsg.id === waiting);
    expect(late.data).toMatchObject({ erased: true, chatMsg: { message: '' } });
  });
});
