import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HOLD_MAX_MS } from '../../src/store/sqlite/conversation-buffer.js';
import type { HeldRecovery } from '../../src/store/sqlite/held-recovery.js';
import { RANGE_MAX_IDS } from '../../src/store/sqlite/id-ranges.js';
import { HOLD_MAX_RANGES } from '../../src/store/sqlite/range-buffer.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { WriteOp } from '../../src/store/store.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { crashImage, openStore, user } from './held-rows-fixture.js';
import { appendOp, createGroupOp, reserveIds, reserveOp } from './write-ops.js';

/**
 * The id ranges of the message path, held in memory with the conversation and pending rows
 * (range-buffer.ts): which ids are used is written with them, and a start after a crash finds the
 * used ids from the stored messages (held-recovery.ts).
 */

afterEach(() => {
  vi.useRealTimers();
});

/** What the database has of the id ranges and the mark, through a second connection. */
function peekRanges(dir: string) {
  const db = new Database(`${dir}/parley.db`, { readonly: true });
  onCleanup(() => db.close());
  return {
    ranges: () =>
      db.prepare('SELECT first_id, taken, unused FROM id_ranges ORDER BY first_id').raw().all() as number[][],
    marked: () => db.prepare("SELECT 1 FROM meta WHERE key = 'ranges_held'").get() !== undefined,
  };
}

/** An operation off the message path: the store writes what it holds before it. */
const offPath: WriteOp = { kind: 'purgeNotices', doneBeforeMs: 0, limit: 0 };

/** A store with users a and b, the group ~g of both, and ten ids reserved for a. */
async function started(opts: Parameters<typeof openStore>[1] = {}) {
  const dir = tempDir();
  const store = openStore(dir, { checkpointIntervalMs: 0, ...opts });
  await store.write([user('a'), user('b'), createGroupOp('a', ['b'])]);
  const ids = await reserveIds(store, 'a', 10);
  return { dir, store, ids, db: peekRanges(dir) };
}

/** Runs a reserve; fails the test unless it reserved. */
async function reserved(store: SqliteStore, op: WriteOp): Promise<number[]> {
  const [r] = await store.write([op]);
  expect(r).toMatchObject({ outcome: 'reserved' });
  return (r as { ids: number[] }).ids;
}

const bits = (...offsets: number[]) => offsets.reduce((b, o) => b | (1 << o), 0);

describe('SQLite id ranges held in memory', () => {
  it('writes the ids used with the held rows: a second later, before an operation off the message path, at close', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { dir, store, ids, db } = await started();
    const first = ids[0]!;
    expect(await store.write([appendOp(first, 'a', 'b'), appendOp(ids[1]!, 'a', '~g')])).toMatchObject([
      { outcome: 'stored' },
      { outcome: 'stored' },
    ]);
    expect(db.ranges()).toEqual([[first, 0, 10]]);
    expect(db.marked()).toBe(true);
    // the batch that ends a second of holding writes them, its own ids too
    vi.advanceTimersByTime(HOLD_MAX_MS);
    await store.write([appendOp(ids[2]!, 'a', 'b')]);
    expect(db.ranges()).toEqual([[first, bits(0, 1, 2), 7]]);
    expect(db.marked()).toBe(false);
    // a group message holds its id like a 1:1 message; an operation off the path writes it
    await store.write([appendOp(ids[3]!, 'a', '~g')]);
    expect(db.marked()).toBe(true);
    await store.write([offPath]);
    expect(db.ranges()).toEqual([[first, bits(0, 1, 2, 3), 6]]);
    expect(db.marked()).toBe(false);
    // only an id held (no conversation row): closing writes it
    await store.write([appendOp(ids[4]!, 'a', '~g')]);
    expect(store.holdsRows).toBe(false);
    await store.close();
    expect(db.ranges()).toEqual([[first, bits(0, 1, 2, 3, 4), 5]]);
    expect(db.marked()).toBe(false);
    const reopened = openStore(dir, { onRecovered: () => expect.unreachable('nothing was held') });
    expect(await reopened.write([appendOp(ids[4]!, 'a', '~g')])).toMatchObject([{ outcome: 'retry' }]);
  });

  it('writes them a second later when no batch comes, also when only ids are held', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'setTimeout', 'clearTimeout'] });
    const { store, ids, db } = await started();
    await store.write([appendOp(ids[0]!, 'a', '~g')]); // a group message: no conversation row held
    expect(store.holdsRows).toBe(false);
    vi.advanceTimersByTime(HOLD_MAX_MS - 1);
    expect(db.ranges()).toEqual([[ids[0], 0, 10]]);
    vi.advanceTimersByTime(1);
    expect(db.ranges()).toEqual([[ids[0], bits(0), 9]]);
    expect(db.marked()).toBe(false);
  });

  it('deletes a range once all its ids are used, and counts held uses against the cap', async () => {
    const { store, ids, db } = await started();
    await store.write(ids.slice(0, 9).map((id) => appendOp(id, 'a', 'b')));
    const cap = { kind: 'reserve', userId: 'a', count: 1, nowMs: 1, validFromMs: 0 } as const;
    // one id left unused, though the database's row still says ten
    expect(await store.write([{ ...cap, maxOutstanding: 1 }])).toEqual([{ outcome: 'too_many' }]);
    await store.write([appendOp(ids[9]!, 'a', 'b')]);
    expect(db.ranges()).toEqual([[ids[0], 0, 10]]);
    const more = await reserved(store, { ...cap, maxOutstanding: 1 });
    await store.write([offPath]);
    expect(db.ranges()).toEqual([[more[0], 0, 1]]);
    expect(await store.write([appendOp(ids[9]!, 'a', 'b')])).toMatchObject([{ outcome: 'retry' }]);
  });

  it('forgets held ranges that a reserve finds expired, with their ids', async () => {
    const { store, ids, db } = await started();
    await store.write([appendOp(ids[0]!, 'a', 'b')]);
    // a's range was reserved at time 1: a reservation valid only from 2 on drops it
    const later = {
      kind: 'reserve',
      userId: 'a',
      count: 2,
      nowMs: 5,
      validFromMs: 2,
      maxOutstanding: 2,
    } as const;
    expect(db.marked()).toBe(true);
    const again = await reserved(store, later);
    expect(db.marked()).toBe(false); // nothing held any more
    expect(await store.write([appendOp(ids[1]!, 'a', 'b')])).toEqual([{ outcome: 'expired_id' }]);
    // the cap counts the two new ids only
    expect(await store.write([{ ...later, count: 1 }])).toEqual([{ outcome: 'too_many' }]);
    expect(await store.write([appendOp(ids[0]!, 'a', 'b')])).toMatchObject([{ outcome: 'retry' }]);
    await store.write([offPath]);
    expect(db.ranges()).toEqual([[again[0], 0, 2]]);
  });

  it('keeps the ids of committed batches when a later batch rolls back, and frees those of the batch', async () => {
    const { dir, store, ids, db } = await started();
    const writable = new Database(`${dir}/parley.db`);
    onCleanup(() => writable.close());
    writable.exec(`CREATE TRIGGER boom BEFORE INSERT ON messages WHEN new.msg_id = ${ids[2]}
      BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    // the first of the batch is applied (its id used), then the second fails
    const failing = [appendOp(ids[1]!, 'a', 'b'), appendOp(ids[2]!, 'a', 'b')];
    await expect(store.write(failing)).rejects.toThrow('boom');
    expect(db.marked()).toBe(false);
    await store.write([appendOp(ids[0]!, 'a', 'b')]);
    expect(db.marked()).toBe(true); // though the batch that rolled back had marked it too
    await expect(store.write(failing)).rejects.toThrow('boom');
    writable.exec('DROP TRIGGER boom');
    expect(await store.write([appendOp(ids[0]!, 'a', 'b')])).toMatchObject([{ outcome: 'retry' }]);
    expect(await store.write([appendOp(ids[1]!, 'a', 'b'), appendOp(ids[2]!, 'a', '~g')])).toMatchObject([
      { outcome: 'stored' },
      { outcome: 'stored' },
    ]);
    await store.write([offPath]);
    expect(db.ranges()).toEqual([[ids[0], bits(0, 1, 2), 7]]);
  });

  it('after a crash, marks as used every held id that a stored message has, once', async () => {
    const { dir, store, ids, db } = await started();
    const more = await reserved(store, {
      kind: 'reserve',
      userId: 'b',
      count: 2,
      nowMs: 1,
      validFromMs: 0,
      maxOutstanding: 10,
    });
    // written: ids[0], and ids[3]: a chat room's message runs with nothing held, its id written with it
    await store.write([appendOp(ids[0]!, 'a', 'b'), offPath]);
    const room = { kind: 'roomAppend', msgId: ids[3]!, fromId: 'a', toId: '!lobby', type: 0 } as const;
    expect(await store.write([{ ...room, body: 'r', timeMs: 2, keep: 10, validFromMs: 0 }])).toMatchObject([
      { outcome: 'stored' },
    ]);
    // held: ids[1] (1:1), ids[2] (group), ids[4], and both of b's (its range all used)
    await store.write([appendOp(ids[1]!, 'a', 'b'), appendOp(ids[2]!, 'a', '~g')]);
    await store.write(more.map((id) => appendOp(id, 'b', 'a')));
    await store.write([appendOp(ids[4]!, 'a', 'b')]);
    expect(db.ranges()).toEqual([
      [ids[0], bits(0, 3), 8],
      [more[0], 0, 2],
    ]);
    expect(db.marked()).toBe(true);
    const crashed = crashImage(dir);

    const recoveries: HeldRecovery[] = [];
    const reopened = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    expect(recoveries).toEqual([expect.objectContaining({ ranges: 2 })]);
    const after = peekRanges(crashed);
    expect(after.ranges()).toEqual([[ids[0], bits(0, 1, 2, 3, 4), 5]]);
    expect(after.marked()).toBe(false);
    // each used id is a retry, not a second message; the others are still a's
    for (const [id, to] of [
      [ids[1]!, 'b'],
      [ids[2]!, '~g'],
      [ids[4]!, 'b'],
    ] as const)
      expect(await reopened.write([appendOp(id, 'a', to)])).toMatchObject([{ outcome: 'retry' }]);
    expect(await reopened.write([appendOp(more[1]!, 'b', 'a')])).toMatchObject([{ outcome: 'retry' }]);
    expect(await reopened.write([appendOp(ids[5]!, 'a', 'b')])).toMatchObject([{ outcome: 'stored' }]);
    await reopened.close();
    const again = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    expect(recoveries).toHaveLength(1);
    expect(await again.write([appendOp(ids[6]!, 'a', 'b')])).toMatchObject([{ outcome: 'stored' }]);
  });

  it(`writes them with the batch that brings ${HOLD_MAX_RANGES} ranges`, async () => {
    const dir = tempDir();
    const store = openStore(dir);
    await store.write([user('a'), user('b')]);
    const [first] = await reserveIds(store, 'a', 1); // one range held
    await store.write([appendOp(first!, 'a', 'b'), reserveOp('a', (HOLD_MAX_RANGES - 2) * RANGE_MAX_IDS)]);
    const firstRow = () =>
      peekRanges(dir)
        .ranges()
        .filter((r) => r[0] === first);
    expect(firstRow()).toEqual([[first, 0, 1]]); // one range short: held
    await reserveIds(store, 'a', 1);
    expect(firstRow()).toEqual([]); // used up, and written by that batch
  });
});
