import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ID_CLOCK_IDS } from '../../src/store/sqlite/id-clock.js';
import { ID_CLOCK } from '../../src/store/sqlite/id-clock-schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { WriteOp } from '../../src/store/store.js';
import { sqliteBefore } from '../helpers/sqlite-before.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { appendOp } from './write-ops.js';

/** Retention by message id, bounded by where the id counter was when (id-clock.ts). */

const user = (userId: string): WriteOp => ({ kind: 'upsertUser', userId, name: userId, timeMs: 0 });
const reserveAt = (userId: string, count: number, nowMs: number): WriteOp => ({
  kind: 'reserve',
  userId,
  count,
  nowMs,
  validFromMs: 0,
  maxOutstanding: 1_000_000,
});
const expire = (beforeMs: number, limit = 100): WriteOp => ({ kind: 'expireMessages', beforeMs, limit });

async function open(dir = tempDir()) {
  const store = new SqliteStore({ dataDir: dir, writer: 'inline' });
  onCleanup(() => store.close());
  const db = new Database(`${dir}/parley.db`, { readonly: true });
  onCleanup(() => db.close());
  const clock = () => db.prepare('SELECT time_ms, next_id FROM id_clock ORDER BY time_ms').raw().all();
  const messageIds = () =>
    (db.prepare('SELECT msg_id FROM messages ORDER BY msg_id').raw().all() as number[][]).map(([id]) => id);
  return { store, db, clock, messageIds };
}

describe('SQLite retention by message id', () => {
  it('records where the id counter was every so many ids or so long', async () => {
    const { store, clock } = await open();
    await store.write([user('a'), user('b')]);
    await store.write([reserveAt('a', 10, 1_000)]); // ids 1-10
    await store.write([reserveAt('b', 10, 2_000)]); // too soon: no row
    await store.write([reserveAt('b', 10, 70_000)]); // ids 21-30, a minute later
    await store.write([reserveAt('a', ID_CLOCK_IDS, 70_001)]); // ids 31-..., too soon again
    await store.write([reserveAt('a', 1, 70_002)]); // ID_CLOCK_IDS ids since the last row
    expect(clock()).toEqual([
      [1_000, 1],
      [70_000, 21],
      [70_002, 31 + ID_CLOCK_IDS],
    ]);
  });

  it('expires exactly the messages stored before the cut-off, whatever the order of their ids', async () => {
    const { store, clock, messageIds } = await open();
    await store.write([user('a'), user('b')]);
    await store.write([reserveAt('a', 10, 1_000)]); // ids 1-10
    await store.write([reserveAt('b', 10, 2_000)]); // ids 11-20
    await store.write([
      appendOp(11, 'b', 'a', 'early', 2_500),
      appendOp(12, 'b', 'a', 'early too', 3_000),
      appendOp(1, 'a', 'b', 'an id reserved early, used late', 90_000),
    ]);
    await store.write([reserveAt('b', 10, 70_000)]); // ids 21-30: the row (70000, 21)
    await store.write([appendOp(21, 'b', 'a', 'late', 80_000)]);
    // the bound of 50,000 is the row at 70,000: ids below 21, and of those the ones before 50,000
    expect(await store.write([expire(50_000, 1)])).toEqual([{ deleted: 1 }]);
    expect(await store.write([expire(50_000)])).toEqual([{ deleted: 1 }]);
    expect(await store.write([expire(50_000)])).toEqual([{ deleted: 0 }]);
    expect(messageIds()).toEqual([1, 21]);
    // the rows before the cut-off are no longer needed
    expect(clock()).toEqual([[70_000, 21]]);
    // past the last row, the counter is the bound
    expect(await store.write([expire(85_000)])).toEqual([{ deleted: 1 }]);
    expect(messageIds()).toEqual([1]);
    expect(await store.write([expire(90_001)])).toEqual([{ deleted: 1 }]);
    expect(messageIds()).toEqual([]);
    expect(await store.history({ userId: 'a', limit: 10 })).toEqual([]);
  });

  it('migrates: the rows for the messages stored before, by minute, and no index of message times', async () => {
    const dir = tempDir();
    const old = sqliteBefore(dir, ID_CLOCK);
    // ids and times out of order, as late-used reservations leave them
    old.exec(`
      UPDATE meta SET value = 7 WHERE key = 'next_msg_id';
      INSERT INTO users (id, name, created_ms) VALUES ('a', 'A', 0), ('b', 'B', 0);
      INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms) VALUES
        (1, 'a', 'b', 0, 'm1', 'd', 1, 10000), (2, 'a', 'b', 0, 'm2', 'd', 1, 70000),
        (3, 'b', 'a', 0, 'm3', 'd', 1, 65000), (4, 'a', 'b', 0, 'm4', 'd', 1, 200000),
        (5, 'b', 'a', 0, 'm5', 'd', 1, 30000), (6, 'a', 'b', 0, 'm6', 'd', 1, 400000);
    `);
    old.close();
    const { store, db, clock, messageIds } = await open(dir);
    expect(clock()).toEqual([
      [60_000, 6],
      [120_000, 6],
      [240_000, 6],
      [420_000, 7],
    ]);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'messages_by_time'").all()).toEqual([]);
    expect(await store.write([expire(100_000)])).toEqual([{ deleted: 4 }]);
    expect(messageIds()).toEqual([4, 6]);
  });
});
