import { describe, expect, it } from 'vitest';
import { freshSchema, PG_URL } from './helpers/postgres.js';
import { spawnServer } from './helpers/server-process.js';
import { openAs as open, sendPipelined } from './helpers/streams.js';
import { tempDir } from './helpers/test-server.js';

describe('durability of a real server process', () => {
  it('loses nothing it acknowledged when killed with SIGKILL mid-stream, and delivers each once', async () => {
    const dataDir = tempDir(); // the restart opens the same SQLite file
    await killedMidStream(() => ({ DATA_DIR: dataDir }));
  });

  it('loses nothing it acknowledged on PostgreSQL either', async () => {
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: freshSchema() };
    await killedMidStream(() => ({ ...env, DATA_DIR: tempDir() }));
  });

  it('loses no acknowledged group message either, on SQLite and on PostgreSQL', async () => {
    const dataDir = tempDir();
    await killedMidStream(() => ({ DATA_DIR: dataDir }), { toGroup: true });
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: freshSchema() };
    await killedMidStream(() => ({ ...env, DATA_DIR: tempDir() }), { toGroup: true });
  });

  it('keeps a recall and a friend acceptance across SIGKILL until the other side reconnects', async () => {
    const dataDir = tempDir();
    const first = await spawnServer({ DATA_DIR: dataDir });
    await (await open(first.wsUrl, 'bob')).close();
    const carol = await open(first.wsUrl, 'carol');
    const a = await open(first.wsUrl, 'alice');
    const m = await a.say('bob', 'never meant to send this');
    a.send({ action: '6', fromId: 'alice', toId: 'bob', chatMsg: { id: m.id } });
    await a.nextAction('6');
    a.send({ action: '8', fromId: 'alice', toId: 'carol', chatMsg: { message: 'hi carol' } });
    await a.nextAction('8');
    await a.close();
    await carol.nextAction('8');
    carol.send({ action: '9', fromId: 'carol', toId: 'alice', accepted: true });
    await carol.nextAction('9');
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await spawnServer({ DATA_DIR: dataDir });
    const bob = await open(second.wsUrl, 'bob');
    expect(await bob.drain()).toEqual([{ action: '6', fromId: 'alice', toId: 'bob', chatMsg: { id: m.id } }]);
    const alice = await open(second.wsUrl, 'alice');
    expect(await alice.drain()).toEqual([{ action: '9', fromId: 'carol', toId: 'alice', accepted: true }]);
    expect((await alice.request({ action: '11', fromId: 'alice' })).contacts).toEqual([
      { toId: 'carol', toName: 'carol' },
    ]);
  });

  it('rebuilds the conversation lists, pending messages and used ids the writer held in memory when it was killed', async () => {
    const dataDir = tempDir();
    const first = await spawnServer({ DATA_DIR: dataDir });
    await (await open(first.wsUrl, 'bob')).close();
    const a = await open(first.wsUrl, 'alice');
    const sent = [];
    for (const text of ['one', 'two', 'three']) sent.push(await a.say('bob', text));
    // the rows of these three are held (for up to a second): nothing reads or writes them before the kill
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await spawnServer({ DATA_DIR: dataDir });
    const bob = await open(second.wsUrl, 'bob');
    const replayed = (await bob.drain()).filter((f) => f.action === '3').map((f) => f.chatMsg.id);
    expect(replayed).toEqual(sent.map((m) => m.id));
    const { conversations } = await bob.request({ action: '17', fromId: 'bob' });
    expect(conversations).toMatchObject([
      { id: 'alice', unread: 3, last: { fromId: 'alice', chatMsg: { id: sent[2]!.id, message: 'three' } } },
    ]);
    const alice = await open(second.wsUrl, 'alice');
    expect((await alice.request({ action: '17', fromId: 'alice' })).conversations).toMatchObject([
      { id: 'bob', unread: 0, last: { chatMsg: { id: sent[2]!.id } } },
    ]);
    // which ids were used was held too: a retry of one is answered as a retry, not refused
    const retry = await alice.say('bob', 'three', sent[2]!.id);
    expect(retry.ack).toMatchObject({ action: '4', chatMsg: { id: sent[2]!.id, status: 1 } });
    expect((await bob.drain()).filter((f) => f.action === '3')).toEqual([]);
    // they were put back from the stored messages, not written before the kill
    expect(second.stderr()).toContain('put them back from its newest messages');
  });

  it('shuts down gracefully on SIGTERM: closes sockets with 1001, finishes writes, exits 0', async () => {
    const dataDir = tempDir();
    const s = await spawnServer({ DATA_DIR: dataDir });
    await (await open(s.wsUrl, 'bob')).close();
    const a = await open(s.wsUrl, 'alice');
    const m = await a.say('bob', 'before shutdown');
    expect(m.ack.action).toBe('4');
    s.child.kill('SIGTERM');
    expect((await a.closed).code).toBe(1001);
    expect(await s.exited).toEqual({ code: 0, signal: null });
    const again = await spawnServer({ DATA_DIR: dataDir });
    const b = await open(again.wsUrl, 'bob');
    expect((await b.nextAction('3')).chatMsg).toMatchObject({ id: m.id, message: 'before shutdown' });
  });

  it('prints its URL and refuses bad settings', async () => {
    const s = await spawnServer({ DATA_DIR: tempDir(), TIME_ZONE: 'Asia/Shanghai' });
    expect(s.stdout()).toMatch(
      /^Parley is in OPEN MODE.*\nParley listening on http:\/\/127\.0\.0\.1:\d+ \(WebSocket: ws:\/\/127\.0\.0\.1:\d+\/ws\)\n$/,
    );
    await expect(spawnServer({ DATA_DIR: tempDir(), TIME_ZONE: 'Mars/Olympus' })).rejects.toThrow(
      /TIME_ZONE/,
    );
    await expect(spawnServer({ DATA_DIR: tempDir(), PORT: 'eighty' })).rejects.toThrow(
      /PORT must be an integer/,
    );
  });
});

/**
 * A sender pipelines 300 messages (to bob, or to a group of theirs); the server is SIGKILLed once
 * half are acknowledged; a new server on the same store must deliver every acknowledged one exactly
 * once, in order, with its text, and never hand out an id from before the kill again. `env` gives
 * each server process its settings.
 */
async function killedMidStream(
  env: () => Record<string, string>,
  opts: { toGroup?: boolean } = {},
): Promise<void> {
  const unlimited = { MAX_FRAMES_PER_SECOND: '0', MAX_USER_FRAMES_PER_SECOND: '0' };
  const first = await spawnServer({ ...env(), ...unlimited });
  await (await open(first.wsUrl, 'bob')).close();
  const a = await open(first.wsUrl, 'alice');
  const to = opts.toGroup
    ? (await a.request({ action: '13', fromId: 'alice', name: 'durable', members: ['bob'] })).group.id
    : 'bob';
  const ids: string[] = [];
  while (ids.length < 300) ids.push(...(await a.ids()));
  let onHalf!: () => void;
  const half = new Promise<void>((resolve) => {
    onHalf = resolve;
  });
  const acked = sendPipelined(a, to, ids, () => {
    first.child.kill('SIGKILL');
    onHalf();
  });
  await half;
  expect((await first.exited).signal).toBe('SIGKILL');
  const ackedAtKill = new Set(acked);
  expect(ackedAtKill.size).toBeGreaterThanOrEqual(ids.length / 2);

  const second = await spawnServer(env());
  const b = await open(second.wsUrl, 'bob');
  const received = (await b.drain()).filter((f) => f.action === '3');
  const got = received.map((f) => f.chatMsg.id as string);
  expect(new Set(got).size).toBe(got.length); // exactly once
  for (const id of ackedAtKill) expect(got).toContain(id); // nothing acknowledged is lost
  // in the order they were sent
  expect(got).toEqual(ids.filter((id) => got.includes(id)));
  for (const f of received) expect(f.chatMsg.message).toBe(`m${ids.indexOf(f.chatMsg.id)}`);
  // ids keep coming from the durable sequence: never one handed out before the kill
  const fresh = await (await open(second.wsUrl, 'alice')).ids();
  for (const id of fresh) expect(ids).not.toContain(id);
  second.child.kill('SIGKILL');
}
