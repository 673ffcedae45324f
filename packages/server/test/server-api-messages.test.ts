import { describe, expect, it } from 'vitest';
import { admin } from './helpers/admin.js';
import { type Frame, textFrame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

const users = async (url: string, ...ids: string[]) => {
  for (const id of ids) await admin(url, 'PUT', `/v1/users/${id}`, { name: id.toUpperCase() });
};

describe('server API: POST /v1/messages', () => {
  it('sends as a user like action 3: the recipient live, the sender’s devices, history, the list', async () => {
    const t = await startTestServer();
    const url = t.server.url;
    await users(url, 'alice', 'bob');
    const bob = await t.connect('bob');
    const alicePhone = await t.connect('alice');
    const r = await admin(url, 'POST', '/v1/messages', { fromId: 'alice', toId: 'bob', message: '你好 👋' });
    expect(r).toMatchObject({
      status: 200,
      body: { id: expect.stringMatching(/^MSG\d{6,}$/), ts: expect.any(Number) },
    });
    expect(r.body.time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const id = r.body.id as string;
    expect(await bob.nextAction('3')).toEqual({
      action: '3',
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { id, type: 0, message: '你好 👋', status: 1, time: r.body.time, ts: r.body.ts, seq: 1 },
    });
    // the sender's own devices show it, at its place in the sender's timeline
    expect(await alicePhone.nextAction('3')).toMatchObject({
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { id, seq: 1 },
    });
    // the ids come from the same sequence as action 2's, reserved for the sender
    const [next] = await alicePhone.ids();
    expect(Number(next!.slice(3))).toBeGreaterThan(Number(id.slice(3)));
    const h = await bob.request({ action: '12', fromId: 'bob', toId: 'alice' });
    expect(h.historyMsgs.map((e: Frame) => e.chatMsg.id)).toEqual([id]);
    const list = await bob.request({ action: '17', fromId: 'bob' });
    expect(list.conversations[0]).toMatchObject({ id: 'alice', unread: 1, last: { chatMsg: { id } } });
    // read receipts reach the sender's devices as for any message
    bob.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id, status: 2 } });
    expect(await alicePhone.nextAction('4')).toMatchObject({ fromId: 'bob', chatMsg: { id, status: 2 } });
  });

  it('sends as the system sender, created on first use, to a user offline (at connect) and to a group', async () => {
    const t = await startTestServer({ systemUserId: 'parley-bot' });
    const url = t.server.url;
    await users(url, 'alice', 'bob');
    expect((await admin(url, 'GET', '/v1/users/parley-bot')).status).toBe(404);
    const r = await admin(url, 'POST', '/v1/messages', {
      toId: 'bob',
      type: 2,
      message: '{"type":"NOTICE"}',
    });
    expect(r.status).toBe(200);
    expect((await admin(url, 'GET', '/v1/users/parley-bot')).body).toEqual({
      id: 'parley-bot',
      name: 'parley-bot',
    });
    const bob = await t.connect('bob');
    expect(await bob.nextAction('3')).toMatchObject({
      fromId: 'parley-bot',
      toId: 'bob',
      chatMsg: { id: r.body.id, type: 2, message: '{"type":"NOTICE"}' },
    });
    // a group: the system posts without being a member; every member's connections get it
    await admin(url, 'POST', '/v1/groups', { id: '~team', name: 'Team', ownerId: 'alice', members: ['bob'] });
    await bob.nextAction('16');
    const alice = await t.connect('alice');
    const g = await admin(url, 'POST', '/v1/messages', { toId: '~team', message: 'maintenance at 10:00' });
    expect(g.status).toBe(200);
    for (const c of [alice, bob])
      expect(await c.nextAction('3')).toMatchObject({
        fromId: 'parley-bot',
        toId: '~team',
        chatMsg: { id: g.body.id, message: 'maintenance at 10:00', seq: 2 },
      });
    // a member posts as itself: its own connection gets the copy too (it sent nothing over it)
    const m = await admin(url, 'POST', '/v1/messages', { fromId: 'alice', toId: '~team', message: 'ok' });
    expect(await alice.nextAction('3')).toMatchObject({
      fromId: 'alice',
      chatMsg: { id: m.body.id, seq: 3 },
    });
    expect(await bob.nextAction('3')).toMatchObject({ fromId: 'alice', chatMsg: { id: m.body.id, seq: 3 } });
  });

  it('sends a batch in order, with a refusal per message that cannot be sent', async () => {
    const t = await startTestServer({ maxMessageBytes: 10 });
    const url = t.server.url;
    await users(url, 'alice', 'bob', 'carol');
    await admin(url, 'POST', '/v1/groups', { id: '~g', name: 'G', ownerId: 'carol' });
    const carol = await t.connect('carol');
    carol.send({ action: '20', fromId: 'carol', toId: 'alice', blocked: true });
    await carol.nextAction('20');
    const bob = await t.connect('bob');
    const messages = [
      { fromId: 'alice', toId: 'bob', message: 'one' },
      { fromId: 'alice', toId: 'nobody', message: 'x' },
      { fromId: 'ghost', toId: 'bob', message: 'x' },
      { fromId: 'alice', toId: 'bob', message: 'far too long for this server' },
      { fromId: 'alice', toId: 'bob', type: 7, message: 'x' },
      { fromId: 'alice', toId: '!room', message: 'x' },
      { fromId: 'alice', toId: '~g', message: 'x' },
      { fromId: 'alice', toId: '~nope', message: 'x' },
      { fromId: 'alice', toId: 'carol', message: 'x' },
      'not an object',
      { toId: 'bob', message: 'two' },
      { fromId: 'alice', toId: 'bob', message: 'three' },
    ];
    const r = await admin(url, 'POST', '/v1/messages', { messages });
    expect(r.status).toBe(200);
    const results = r.body.results as Frame[];
    expect(results.map((x) => x.code ?? 'ok')).toEqual([
      'ok',
      'UNKNOWN_USER',
      'UNKNOWN_USER',
      'TOO_LARGE',
      'BAD_REQUEST',
      'BAD_REQUEST',
      'NOT_MEMBER',
      'UNKNOWN_GROUP',
      'BLOCKED',
      'BAD_REQUEST',
      'ok',
      'ok',
    ]);
    for (const x of results) if (x.code) expect(x.error).toEqual(expect.any(String));
    expect(results[2]!.error).toMatch(/ghost/);
    expect(results[4]!.error).toMatch(/^type /);
    const sent = [results[0]!, results[10]!, results[11]!];
    const got = [await bob.nextAction('3'), await bob.nextAction('3'), await bob.nextAction('3')];
    expect(got.map((f) => [f.fromId, f.chatMsg.message, f.chatMsg.id, f.chatMsg.seq])).toEqual([
      ['alice', 'one', sent[0]!.id, 1],
      ['system', 'two', sent[1]!.id, 2],
      ['alice', 'three', sent[2]!.id, 3],
    ]);
    expect((await carol.drain()).filter((f) => f.action === '3')).toEqual([]);
  });

  it('shares the quotas of action 3: a full recipient refuses the API and the clients alike', async () => {
    const t = await startTestServer({ maxPendingMessages: 1 });
    const url = t.server.url;
    await users(url, 'alice', 'bob');
    expect(
      (await admin(url, 'POST', '/v1/messages', { fromId: 'alice', toId: 'bob', message: 'a' })).status,
    ).toBe(200);
    const full = await admin(url, 'POST', '/v1/messages', { fromId: 'alice', toId: 'bob', message: 'b' });
    expect(full).toMatchObject({ status: 429, body: { code: 'RECIPIENT_FULL' } });
    // a client's own message still goes through its connection as before
    const alice = await t.connect('alice');
    const note = await alice.say('alice', 'note to self');
    expect(note.ack).toMatchObject({ action: '4', chatMsg: { status: 1 } });
    alice.send(textFrame('alice', 'bob', (await alice.ids())[0]!, 'c'));
    expect(await alice.nextAction('0')).toMatchObject({ code: 'RECIPIENT_FULL' });
  });
});
