import { describe, expect, it } from 'vitest';
import { freshSchema, PG_URL } from './helpers/postgres.js';
import type { Frame, TestClient } from './helpers/test-client.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { UnrulyBus } from './helpers/unruly-bus.js';
import { waitFor } from './helpers/wait-for.js';

const BACKENDS = {
  sqlite: () => startTestServer(),
  postgres: () => startTestServer({ databaseUrl: PG_URL, databaseSchema: freshSchema() }),
};

/** Alice sends `n` messages to bob while bob is away; returns their ids, oldest first. */
async function sentWhileAway(t: TestServer, n: number): Promise<string[]> {
  await (await t.connect('bob')).close();
  const a = await t.connect('alice');
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await a.say('bob', `m${i}`)).id);
  await a.close();
  return ids;
}

/** Bob's backlog at a fresh connect that confirms (so the connect itself confirms nothing). */
async function backlogOf(t: TestServer, expected: number): Promise<{ b: TestClient; got: Frame[] }> {
  const b = await t.connect('bob', { confirms: true });
  const got: Frame[] = [];
  for (let i = 0; i < expected; i++) got.push(await b.nextAction('3'));
  expect(await b.drain()).toEqual([]);
  return { b, got };
}

const pendingOfBob = async (t: TestServer) =>
  (await t.server.core.store.pendingMessages('bob', 0, 100)).map((m) => m.seq);

describe.each(Object.entries(BACKENDS))('action 22, received through (%s)', (_name, start) => {
  it('confirms every pending message up to the position, and none after it', async () => {
    const t = await start();
    const ids = await sentWhileAway(t, 4);
    const { b, got } = await backlogOf(t, 4);
    expect(got.map((f) => f.chatMsg.id)).toEqual(ids);
    const seqs = got.map((f) => f.chatMsg.seq as number);
    b.send({ action: '22', fromId: 'bob', seq: seqs[2] });
    expect(await b.drain()).toEqual([]); // no reply, nothing forwarded
    await waitFor(async () => (await pendingOfBob(t)).length === 1, 'the confirmation to commit');
    expect(await pendingOfBob(t)).toEqual([seqs[3]]);
    await b.close();
    const again = await backlogOf(t, 1);
    expect(again.got[0]!.chatMsg.id).toBe(ids[3]);
  });

  it('takes positions of live deliveries and of what the connection sent itself', async () => {
    const t = await start();
    const b = await t.connect('bob', { confirms: true });
    const a = await t.connect('alice');
    await a.say('bob', 'live one');
    const live = await b.nextAction('3');
    b.send({ action: '22', fromId: 'bob', seq: live.chatMsg.seq });
    await waitFor(async () => (await pendingOfBob(t)).length === 0, 'the confirmation to commit');
    await b.say('alice', "a reply takes the next position in bob's timeline");
    b.send({ action: '22', fromId: 'bob', seq: live.chatMsg.seq + 1 });
    expect(await b.drain()).toEqual([]);
  });

  it('takes the action as a number, and confirming twice or below what is pending is harmless', async () => {
    const t = await start();
    await sentWhileAway(t, 2);
    const { b, got } = await backlogOf(t, 2);
    const last = got[1]!.chatMsg.seq as number;
    b.send({ action: 22, fromId: 'bob', seq: last });
    b.send({ action: '22', fromId: 'bob', seq: last });
    b.send({ action: '22', fromId: 'bob', seq: 1 });
    expect(await b.drain()).toEqual([]);
    await waitFor(async () => (await pendingOfBob(t)).length === 0, 'the confirmation to commit');
  });

  it('refuses a bad position, one past the end of the timeline, and other users', async () => {
    const t = await start();
    await sentWhileAway(t, 2);
    const { b, got } = await backlogOf(t, 2);
    const head = got[1]!.chatMsg.seq as number;
    const refused = [0, -1, 1.5, '3', null, Number.MAX_SAFE_INTEGER + 1];
    for (const seq of refused) {
      b.send({ action: '22', fromId: 'bob', seq });
      expect(await b.nextAction('0')).toMatchObject({ code: 'BAD_REQUEST', ref: { action: '22' } });
    }
    b.send({ action: '22', fromId: 'bob' });
    expect(await b.nextAction('0')).toMatchObject({
      code: 'BAD_REQUEST',
      error: expect.stringContaining('seq'),
    });
    b.send({ action: '22', fromId: 'bob', seq: head + 1 });
    expect(await b.nextAction('0')).toMatchObject({
      code: 'BAD_REQUEST',
      error: expect.stringContaining(`past the end of bob's timeline as this connection knows it (${head})`),
      ref: { action: '22' },
    });
    b.send({ action: '22', fromId: 'alice', seq: 1 });
    expect(await b.nextAction('0')).toMatchObject({ code: 'FORBIDDEN', ref: { action: '22' } });
    const fresh = await t.client();
    fresh.send({ action: '22', fromId: 'bob', seq: 1 });
    expect(await fresh.nextAction('0')).toMatchObject({ code: 'NOT_CONNECTED', ref: { action: '22' } });
    // nothing was confirmed by any of them
    expect(await b.drain()).toEqual([]);
    expect(await pendingOfBob(t)).toHaveLength(2);
  });
});

describe('action 22 after a gap fill', () => {
  it('takes the position of a message that reached the connection through a fill', async () => {
    // the live frames of bob's first two messages are lost; the third one's arrival fills them in
    const t = await startTestServer({}, { bus: new UnrulyBus('bob', { drop: [1, 2] }) });
    const b = await t.connect('bob', { confirms: true });
    const a = await t.connect('alice');
    for (const text of ['one', 'two', 'three']) await a.say('bob', text);
    const [one, two, three] = [await b.nextAction('3'), await b.nextAction('3'), await b.nextAction('3')];
    expect([one, two, three].map((f) => f.chatMsg.message)).toEqual(['one', 'two', 'three']);
    b.send({ action: '22', fromId: 'bob', seq: two.chatMsg.seq });
    expect(await b.drain()).toEqual([]); // accepted: no error
    await waitFor(async () => (await pendingOfBob(t)).length === 1, 'the confirmation to commit');
    expect(await pendingOfBob(t)).toEqual([three.chatMsg.seq]);
  });
});
