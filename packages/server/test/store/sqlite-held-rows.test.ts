import { copyFileSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HOLD_MAX_MS, HOLD_MAX_ROWS } from '../../src/store/sqlite/conversation-buffer.js';
import type { HeldRecovery } from '../../src/store/sqlite/held-recovery.js';
import { HOLD_MAX_PENDING } from '../../src/store/sqlite/pending-buffer.js';
import { SqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite/sqlite-store.js';
import type { WriteOp } from '../../src/store/store.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { appendOp, reserveIds } from './write-ops.js';

/**
 * The conversation and pending rows of 1:1 messages are held in memory across batches
 * (conversation-buffer.ts, pending-buffer.ts) and written before anything reads them; after a crash
 * the store puts back what was held (held-recovery.ts).
 */

const user = (userId: string): WriteOp => ({ kind: 'upsertUser', userId, name: userId, timeMs: 0 });

function openStore(dir: string, opts: Partial<SqliteStoreOptions> = {}) {
  const store = new SqliteStore({ dataDir: dir, writer: 'inline', ...opts });
  onCleanup(() => store.close());
  return store;
}

/** A second connection to the file: what the database has, not what the writer holds. */
function peek(dir: string) {
  const db = new Database(`${dir}/parley.db`, { readonly: true });
  onCleanup(() => db.close());
  return {
    rows: () =>
      db
        .prepare('SELECT user_id, conv_id, last_msg_id, unread, last_seq FROM conversations ORDER BY 1, 2')
        .raw()
        .all(),
    pending: () => db.prepare('SELECT user_id, msg_id FROM pending ORDER BY 1, 2').raw().all(),
    heldSince: () =>
      (db.prepare("SELECT value FROM meta WHERE key = 'conv_held_ms'").get() as { value: number } | undefined)
        ?.value,
  };
}

/** The messages pending for the user, as the store reads them (it writes the held rows first). */
async function pendingOf(store: SqliteStore, userId: string) {
  return (await store.pendingMessages(userId, 0, 100)).map((m) => m.msgId);
}

/** The messages sent to the user (notes to oneself included), oldest first, but those in `except`. */
function sentTo(userId: string, sent: number[], except: number[] = []) {
  return sent.filter((id, n) => PAIRS[n % PAIRS.length]![1] === userId && !except.includes(id));
}

const confirm = (userId: string, msgId: number): WriteOp => ({ kind: 'confirm', userId, msgId });

/**
 * The files of a store as a SIGKILL would leave them: the database and its WAL, copied while the
 * store is open (with checkpoints inside commits, nothing changes them between two writes).
 */
function crashImage(dir: string): string {
  const crashed = tempDir();
  for (const f of ['parley.db', 'parley.db-wal'])
    if (existsSync(`${dir}/${f}`)) copyFileSync(`${dir}/${f}`, `${crashed}/${f}`);
  return crashed;
}

/** A store in a new folder, a reader of its file, and the messages `talk` sent first. */
async function talking(count: number, opts: Partial<SqliteStoreOptions> = {}) {
  const dir = tempDir();
  const store = openStore(dir, opts);
  const free = await setUp(store);
  const sent = await talk(store, free, 0, count);
  return { dir, store, free, sent, db: peek(dir) };
}

/** Each user's conversation list as [peer, last message, unread]. */
async function lists(store: SqliteStore, users: string[]) {
  const out: Record<string, [string, number | undefined, number][]> = {};
  for (const u of users)
    out[u] = (await store.conversations(u, undefined, 100)).map((c) => [c.id, c.last?.msgId, c.unread]);
  return out;
}

const PAIRS = [
  ['a', 'b'],
  ['b', 'a'],
  ['a', 'c'],
  ['a', 'a'],
  ['c', 'a'],
] as const;

/** The users a, b and c, and ids for each to send. */
async function setUp(store: SqliteStore) {
  await store.write(['a', 'b', 'c'].map(user));
  return {
    a: await reserveIds(store, 'a', 30),
    b: await reserveIds(store, 'b', 30),
    c: await reserveIds(store, 'c', 30),
  } as Record<string, number[]>;
}

/**
 * Messages `from` to `to` - 1: message n goes as PAIRS[n mod 5] says, at time 1000 + n, in batches
 * of one to three. Returns the ids sent, by n.
 */
async function talk(
  store: SqliteStore,
  free: Record<string, number[]>,
  from: number,
  to: number,
  sent: number[] = [],
) {
  let n = from;
  for (let batch = 1; n < to; batch = (batch % 3) + 1) {
    const ops: WriteOp[] = [];
    for (let i = 0; i < batch && n < to; i++, n++) {
      const [sender, recipient] = PAIRS[n % PAIRS.length]!;
      const id = free[sender]!.shift()!;
      sent[n] = id;
      ops.push(appendOp(id, sender, recipient, `m${n}`, 1000 + n));
    }
    for (const r of await store.write(ops)) expect(r).toMatchObject({ outcome: 'stored' });
  }
  return sent;
}

/**
 * What the conversation lists must be after the messages sent (a model, not the store's code):
 * newest activity first, each with its last message and the messages received (a note to oneself
 * is never unread).
 */
function expected(sent: number[]) {
  const rows = new Map(['a', 'b', 'c'].map((u) => [u, new Map<string, { n: number; unread: number }>()]));
  const touch = (u: string, peer: string, n: number, unread: number) => {
    const mine = rows.get(u)!;
    mine.set(peer, { n, unread: (mine.get(peer)?.unread ?? 0) + unread });
  };
  sent.forEach((_, n) => {
    const [from, to] = PAIRS[n % PAIRS.length]!;
    touch(from, to, n, 0);
    if (to !== from) touch(to, from, n, 1);
  });
  const out: Record<string, [string, number | undefined, number][]> = {};
  for (const [u, mine] of [...rows].sort())
    out[u] = [...mine].sort((x, y) => y[1].n - x[1].n).map(([peer, r]) => [peer, sent[r.n], r.unread]);
  return out;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SQLite conversation and pending rows held across batches', () => {
  it('holds the rows of 1:1 messages, and writes them before the store reads them', async () => {
    const { store, sent, db } = await talking(12);
    expect(db.rows()).toEqual([]);
    expect(db.heldSince()).toBe(1000); // the earliest message held
    expect(store.holdsRows).toBe(true);
    expect(await lists(store, ['a', 'b', 'c'])).toEqual(expected(sent));
    expect(db.rows()).toHaveLength(5);
    expect(db.heldSince()).toBeUndefined();
    expect(store.holdsRows).toBe(false);
    // a page of a conversation starts at its row's newest entry: written first too
    await talk(store, await setUp(store), 12, 14, sent);
    const page = await store.history({ userId: 'a', peerId: 'c', limit: 2 });
    expect(page === 'unknown_base' ? page : page.map((m) => m.msgId)).toEqual([sent[12], sent[9]]);
    expect(db.heldSince()).toBeUndefined();
  });

  it('holds the pending rows too: those confirmed before the next write are never written', async () => {
    const { store, sent, db } = await talking(10);
    expect(db.pending()).toEqual([]);
    // b confirms m0 one by one, a everything up to m6 at once (m1, its note m3, m4, m6)
    expect(await store.write([confirm('b', sent[0]!)])).toEqual([{ found: true }]);
    const m6 = (await store.inboxSince('a', 0, 100)).find((m) => m.msgId === sent[6])!;
    await store.write([{ kind: 'confirmThrough', userId: 'a', seq: m6.seq }]);
    expect(db.pending()).toEqual([]);
    const gone = [sent[0]!, sent[1]!, sent[3]!, sent[4]!, sent[6]!];
    expect(await pendingOf(store, 'a')).toEqual(sentTo('a', sent, gone));
    expect(await pendingOf(store, 'b')).toEqual(sentTo('b', sent, gone));
    expect(await pendingOf(store, 'c')).toEqual(sentTo('c', sent, gone));
    // written now, without the confirmed ones; a confirmation of a written row deletes it
    expect(db.pending()).toHaveLength(sent.length - gone.length);
    expect(await store.write([confirm('b', sent[5]!), confirm('b', sent[5]!)])).toEqual([
      { found: true },
      { found: true },
    ]);
    expect(await pendingOf(store, 'b')).toEqual([]);
    expect(db.pending()).toHaveLength(sent.length - gone.length - 1);
  });

  it('writes them with the batch that ends a second of holding, or that brings 4,096 rows', async () => {
    vi.useFakeTimers({ toFake: ['performance'] }); // the writer's clock for holding
    const { store, free, sent, db } = await talking(2);
    vi.advanceTimersByTime(HOLD_MAX_MS - 1);
    await talk(store, free, 2, 3, sent);
    expect(db.rows()).toEqual([]);
    vi.advanceTimersByTime(1);
    await talk(store, free, 3, 4, sent);
    // a-b, b-a, a-c, c-a, and a-a of the batch that wrote them
    expect(db.rows()).toHaveLength(5);
    // the pending rows are kept held: a recipient online confirms long before the next write
    expect(db.pending()).toEqual([]);
    expect(db.heldSince()).toBe(1000);
    vi.advanceTimersByTime(HOLD_MAX_MS - 1);
    await talk(store, free, 4, 5, sent);
    expect(db.pending()).toEqual([]);
    vi.advanceTimersByTime(1);
    await talk(store, free, 5, 6, sent);
    // the next timed write: the pending rows held before the first (m0-m3), m4 and m5 kept; the
    // mark goes up to the earliest of those
    expect(db.pending()).toEqual(
      sent
        .slice(0, 4)
        .map((id, n) => [PAIRS[n]![1], id])
        .sort(),
    );
    expect(db.heldSince()).toBe(1004);
    expect(await pendingOf(store, 'a')).toEqual(sentTo('a', sent));

    // one batch to more peers than that: a row for each side
    const peers = Array.from({ length: HOLD_MAX_ROWS / 2 }, (_, i) => `p${i}`);
    await store.write(peers.map(user));
    const ids = await reserveIds(store, 'b', peers.length);
    await store.write(peers.map((p, i) => appendOp(ids[i]!, 'b', p, 'hi', 5000)));
    expect(db.rows()).toHaveLength(5 + HOLD_MAX_ROWS);
    expect(db.pending()).toHaveLength(6); // its pending rows kept
    expect(db.heldSince()).toBe(5000);
  });

  it('writes every pending row once 16,384 are held', async () => {
    const { store, db } = await talking(0);
    const ids = await reserveIds(store, 'b', HOLD_MAX_PENDING);
    await store.write(ids.slice(0, -1).map((id) => appendOp(id, 'b', 'a', 'hi', 2000)));
    expect(db.pending()).toEqual([]);
    await store.write([appendOp(ids.at(-1)!, 'b', 'a', 'hi', 2001)]);
    expect(db.pending()).toHaveLength(HOLD_MAX_PENDING);
    expect(db.heldSince()).toBeUndefined();
    expect(store.holdsRows).toBe(false);
  });

  it('writes them a second after they were held when no batch comes (a server gone quiet)', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'setTimeout', 'clearTimeout'] });
    const { store, sent, db } = await talking(2);
    vi.advanceTimersByTime(HOLD_MAX_MS - 1);
    expect(db.rows()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(db.rows()).toHaveLength(2);
    expect(db.pending()).toEqual([]); // kept held one more second
    expect(db.heldSince()).toBe(1000);
    vi.advanceTimersByTime(HOLD_MAX_MS);
    expect(db.pending()).toHaveLength(2);
    expect(db.heldSince()).toBeUndefined();
    expect(store.holdsRows).toBe(false);
    expect(await lists(store, ['a', 'b', 'c'])).toEqual(expected(sent));
  });

  it('keeps the rows of committed batches when a later batch rolls back', async () => {
    const { dir, store, free, sent } = await talking(2);
    // the third message fails inside its batch, after the second of the batch was applied
    const [second, third] = [free.a!.shift()!, free.a!.shift()!];
    const writable = new Database(`${dir}/parley.db`);
    onCleanup(() => writable.close());
    writable.exec(`CREATE TRIGGER boom BEFORE INSERT ON user_timeline WHEN new.msg_id = ${third}
      BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    await expect(
      store.write([
        confirm('b', sent[0]!),
        appendOp(second, 'a', 'c', 'x', 1002),
        appendOp(third, 'a', 'b', 'y', 1003),
      ]),
    ).rejects.toThrow('boom');
    writable.exec('DROP TRIGGER boom');
    expect(await lists(store, ['a', 'b', 'c'])).toEqual(expected(sent));
    // the confirmation rolled back with its batch: m0 is pending still
    expect(await pendingOf(store, 'b')).toEqual([sent[0]]);
    expect(await pendingOf(store, 'c')).toEqual([]);
  });

  it('folds in what a process that died was holding, exactly once', async () => {
    // checkpoints inside commits: nothing changes the files between two writes
    const { dir, store, free, sent } = await talking(12, { checkpointIntervalMs: 0 });
    await store.write([confirm('b', sent[0]!)]);
    await lists(store, ['a']); // written up to here ...
    await talk(store, free, 12, 17, sent); // ... and these held
    await store.write([confirm('b', sent[15]!)]); // confirmed before they were written
    expect(store.holdsRows).toBe(true);
    // the files as a SIGKILL would leave them
    const crashed = crashImage(dir);
    expect(peek(crashed).heldSince()).toBe(1012);

    const recoveries: HeldRecovery[] = [];
    const reopened = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    // a-c (m12), a-a (m13), c-a (m14), a-b (m15), b-a (m16): each side's entries
    // and the five messages pending again, m15 too: which were confirmed is not known
    expect(recoveries).toEqual([{ users: 3, entries: 9, pending: 5 }]);
    expect(peek(crashed).heldSince()).toBeUndefined();
    expect(await pendingOf(reopened, 'b')).toEqual(sentTo('b', sent, [sent[0]!]));
    expect(await pendingOf(store, 'b')).toEqual(sentTo('b', sent, [sent[0]!, sent[15]!]));
    for (const u of ['a', 'c']) expect(await pendingOf(reopened, u)).toEqual(sentTo(u, sent));
    expect(await lists(reopened, ['a', 'b', 'c'])).toEqual(expected(sent));
    expect(await lists(store, ['a', 'b', 'c'])).toEqual(expected(sent));
    // the links continue from the rows
    await talk(reopened, free, 17, 19, sent);
    const page = await reopened.history({ userId: 'a', peerId: 'b', limit: 4 });
    expect(page === 'unknown_base' ? page : page.map((m) => m.msgId)).toEqual([
      sent[16],
      sent[15],
      sent[11],
      sent[10],
    ]);
    await reopened.close();
    const again = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    expect(recoveries).toHaveLength(1);
    expect(await lists(again, ['a', 'b', 'c'])).toEqual(expected(sent));
  });

  it('after a crash, makes pending again only what a raised mark still covers', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { dir, store, free, sent } = await talking(4, { checkpointIntervalMs: 0 });
    vi.advanceTimersByTime(HOLD_MAX_MS);
    // the first timed write (with m4's batch): every pending row held so far is kept
    await talk(store, free, 4, 6, sent);
    vi.advanceTimersByTime(HOLD_MAX_MS);
    await talk(store, free, 6, 7, sent); // the second: m0-m4 written, m5 and m6 kept
    expect(await store.write([confirm('b', sent[0]!), confirm('b', sent[5]!)])).toEqual([
      { found: true },
      { found: true },
    ]);
    const crashed = crashImage(dir);
    expect(peek(crashed).heldSince()).toBe(1005);
    const recoveries: HeldRecovery[] = [];
    const reopened = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    // m5 (confirmed, not known to be) and m6 pending again; m0's confirmation was written
    expect(recoveries).toMatchObject([{ pending: 2 }]);
    for (const u of ['a', 'b', 'c']) {
      expect(await pendingOf(reopened, u)).toEqual(sentTo(u, sent, [sent[0]!]));
      expect(await pendingOf(store, u)).toEqual(sentTo(u, sent, [sent[0]!, sent[5]!]));
    }
    expect(await lists(reopened, ['a', 'b', 'c'])).toEqual(expected(sent));
  });

  it('on the writer thread too: reads ask the thread to write them, and closing writes them', async () => {
    const dir = tempDir();
    const store = new SqliteStore({ dataDir: dir });
    onCleanup(() => store.close());
    const free = await setUp(store);
    const sent = await talk(store, free, 0, 10);
    const db = peek(dir);
    expect(db.rows()).toEqual([]);
    expect(await lists(store, ['a', 'b', 'c'])).toEqual(expected(sent));
    expect(db.rows()).toHaveLength(5);
    await talk(store, free, 10, 15, sent);
    expect(db.heldSince()).toBe(1010);
    await store.close();
    expect(db.heldSince()).toBeUndefined();
    const reopened = openStore(dir, { onRecovered: () => expect.unreachable('nothing was held') });
    expect(await lists(reopened, ['a', 'b', 'c'])).toEqual(expected(sent));
  });

  it('lets a read receipt and a recall run with the rows held: each writes only what it reads', async () => {
    const dir = tempDir();
    const store = openStore(dir);
    const free = await setUp(store);
    const [m0, m1, m2, m3, m4] = free.a!.splice(0, 5) as [number, number, number, number, number];
    for (const [i, id] of [m0, m1, m2].entries())
      await store.write([appendOp(id, 'a', 'b', `m${i}`, 1000 + i)]);
    await store.write([appendOp(free.c!.shift()!, 'c', 'a', 'from c', 1003)]);
    const db = peek(dir);
    const read = (msgId: number): WriteOp => ({
      kind: 'read',
      readerId: 'b',
      senderId: 'a',
      msgId,
      notice: '{}',
    });
    expect(await store.write([read(m1)])).toMatchObject([{ outcome: 'read' }]);
    // only b's row with a was written, with m2 after the read; the others are held still
    expect(db.rows()).toEqual([['b', 'a', m2, 1, 3]]);
    expect(db.pending()).toEqual([]);
    const recall: WriteOp = {
      kind: 'recall',
      userId: 'a',
      peerId: 'b',
      msgId: m0,
      notBeforeMs: 0,
      notice: '{}',
    };
    expect(await store.write([recall])).toMatchObject([{ outcome: 'recalled' }]);
    expect(db.pending()).toEqual([]);
    expect(await pendingOf(store, 'b')).toEqual([m2]); // m0 recalled, m1 read
    expect(await lists(store, ['a', 'b'])).toEqual({
      a: [
        ['c', expect.any(Number), 1],
        ['b', m2, 0],
      ],
      b: [['a', m2, 1]],
    });

    // a read that rolls back with its batch leaves the row held and the message pending
    await store.write([appendOp(m3, 'a', 'b', 'm3', 1004)]);
    const writable = new Database(`${dir}/parley.db`);
    onCleanup(() => writable.close());
    writable.exec(`CREATE TRIGGER boom BEFORE INSERT ON user_timeline WHEN new.msg_id = ${m4}
      BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    await expect(store.write([read(m3), appendOp(m4, 'a', 'b', 'm4', 1005)])).rejects.toThrow('boom');
    writable.exec('DROP TRIGGER boom');
    expect(db.rows()).toContainEqual(['b', 'a', m2, 1, 3]);
    expect(await pendingOf(store, 'b')).toEqual([m2, m3]);
    expect((await lists(store, ['b'])).b).toEqual([['a', m3, 2]]);
  });

  it('keeps the mark while pending rows are held, also with every conversation row written', async () => {
    const dir = tempDir();
    const store = openStore(dir, { checkpointIntervalMs: 0 });
    const free = await setUp(store);
    const [m1, m2] = free.a!.splice(0, 2) as [number, number];
    const m3 = free.b!.shift()!;
    await store.write([appendOp(m1, 'a', 'b', 'one', 1000)]);
    await store.write([appendOp(m2, 'a', 'b', 'two', 1001)]);
    await store.write([appendOp(m3, 'b', 'a', 'three', 1002)]);
    const read = (readerId: string, senderId: string, msgId: number): WriteOp => ({
      kind: 'read',
      readerId,
      senderId,
      msgId,
      notice: '{}',
    });
    await store.write([read('b', 'a', m1)]);
    await store.write([read('a', 'b', m3)]);
    // both rows written by the reads; m2's pending row still held, so the mark stays
    const db = peek(dir);
    expect(db.rows()).toHaveLength(2);
    expect(db.pending()).toEqual([]);
    expect(db.heldSince()).toBe(1000);
    const crashed = crashImage(dir);
    const recoveries: HeldRecovery[] = [];
    const reopened = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    expect(recoveries).toMatchObject([{ pending: 1 }]); // m1 and m3 were read
    expect(await pendingOf(reopened, 'b')).toEqual([m2]);
    // once nothing is held, the mark goes without a write of held rows
    await store.write([read('b', 'a', m2)]);
    expect(store.holdsRows).toBe(false);
    expect(db.heldSince()).toBeUndefined();
  });

  it('folds in a row left behind one that a read receipt wrote ahead of it', async () => {
    const dir = tempDir();
    const store = openStore(dir, { checkpointIntervalMs: 0 });
    const free = await setUp(store);
    const fromC = free.c!.shift()!;
    const fromA = free.a!.shift()!;
    await store.write([appendOp(fromC, 'c', 'b', 'from c', 1000)]);
    await store.write([appendOp(fromA, 'a', 'b', 'from a', 1001)]);
    // b's row with a is written (its newest entry is b's second); b's row with c is held still
    await store.write([{ kind: 'read', readerId: 'b', senderId: 'a', msgId: fromA, notice: '{}' }]);
    expect(peek(dir).rows()).toEqual([['b', 'a', fromA, 0, 2]]);
    const crashed = crashImage(dir);
    const reopened = openStore(crashed);
    const expected = {
      a: [['b', fromA, 0]],
      b: [
        ['a', fromA, 0],
        ['c', fromC, 1],
      ],
      c: [['b', fromC, 0]],
    };
    expect(await lists(reopened, ['a', 'b', 'c'])).toEqual(expected);
    expect(await lists(store, ['a', 'b', 'c'])).toEqual(expected);
  });
});
