import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HOLD_MAX_MS, HOLD_MAX_ROWS } from '../../src/store/sqlite/conversation-buffer.js';
import { HOLD_MAX_PENDING } from '../../src/store/sqlite/pending-buffer.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { WriteOp } from '../../src/store/store.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import {
  confirm,
  expected,
  lists,
  openStore,
  PAIRS,
  peek,
  pendingOf,
  sentTo,
  setUp,
  talk,
  talking,
  user,
} from './held-rows-fixture.js';
import { appendOp, reserveIds } from './write-ops.js';

/**
 * The conversation and pending rows of 1:1 messages are held in memory across batches
 * (conversation-buffer.ts, pending-buffer.ts) and written when due (held-writes.ts) or before
 * anything reads them. What a start after a crash puts back: sqlite-held-recovery.test.ts.
 */

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
    // (a read of the store would write the held rows first: the position is in m6's row)
    await store.write([{ kind: 'confirmThrough', userId: 'a', seq: db.toSeq(sent[6]!) }]);
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
    writable.exec(`CREATE TRIGGER boom BEFORE INSERT ON messages WHEN new.msg_id = ${third}
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
    writable.exec(`CREATE TRIGGER boom BEFORE INSERT ON messages WHEN new.msg_id = ${m4}
      BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    await expect(store.write([read(m3), appendOp(m4, 'a', 'b', 'm4', 1005)])).rejects.toThrow('boom');
    writable.exec('DROP TRIGGER boom');
    expect(db.rows()).toContainEqual(['b', 'a', m2, 1, 3]);
    expect(await pendingOf(store, 'b')).toEqual([m2, m3]);
    expect((await lists(store, ['b'])).b).toEqual([['a', m3, 2]]);
  });
});
