import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BODY_AS_SENT, contentDigest } from '../../src/store/rules.js';
import { APPEND_ROWS_TABLES } from '../../src/store/sqlite/append-rows-schema.js';
import { RANGE_MAX_IDS } from '../../src/store/sqlite/id-ranges.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TimelineEntry, WriteOp } from '../../src/store/store.js';
import { sqliteBefore } from '../helpers/sqlite-before.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { appendOp, reserveIds } from './write-ops.js';

/** What the SQLite store writes per message (append-rows-schema.ts): id ranges, messages by id. */

const user = (userId: string): WriteOp => ({ kind: 'upsertUser', userId, name: userId, timeMs: 0 });
const seqs = (rows: TimelineEntry[] | 'unknown_base') =>
  rows === 'unknown_base' ? rows : rows.map((m) => [m.seq, m.msgId]).reverse();

async function open(dir = tempDir()) {
  const store = new SqliteStore({ dataDir: dir, writer: 'inline' });
  onCleanup(() => store.close());
  // a second connection to look at the rows (WAL: it sees what the store committed)
  const db = new Database(`${dir}/parley.db`, { readonly: true });
  onCleanup(() => db.close());
  const ranges = () =>
    db.prepare('SELECT first_id, size, taken, unused FROM id_ranges ORDER BY first_id').all() as {
      first_id: number;
      size: number;
      taken: number;
      unused: number;
    }[];
  // an operation off the message path: the store writes the ranges it holds first (range-buffer.ts)
  const written = async () => {
    await store.write([{ kind: 'purgeNotices', doneBeforeMs: 0, limit: 0 }]);
    return ranges();
  };
  return { store, db, ranges, written };
}

describe('SQLite id ranges', () => {
  it('keeps a batch of ids as one row, marks each id used once, and drops the row when all are', async () => {
    const { store, ranges, written } = await open();
    await store.write([user('a'), user('b')]);
    const ids = await reserveIds(store, 'a', RANGE_MAX_IDS + 2);
    expect(ranges().map((r) => [r.first_id, r.size, r.unused])).toEqual([
      [ids[0], RANGE_MAX_IDS, RANGE_MAX_IDS],
      [ids[RANGE_MAX_IDS], 2, 2],
    ]);
    // refused (unknown recipient): the id stays reserved
    expect(await store.write([appendOp(ids[1]!, 'a', 'nobody')])).toEqual([{ outcome: 'unknown_user' }]);
    expect((await written())[0]!.unused).toBe(RANGE_MAX_IDS);
    expect(await store.write([appendOp(ids[1]!, 'a', 'b')])).toMatchObject([{ outcome: 'stored' }]);
    // held: the row is written with the other held rows, not by the message
    expect(ranges()[0]).toMatchObject({ taken: 0, unused: RANGE_MAX_IDS });
    // used: the same message again is a retry, another one under the id a duplicate
    expect(await store.write([appendOp(ids[1]!, 'a', 'b')])).toMatchObject([{ outcome: 'retry' }]);
    expect(await store.write([appendOp(ids[1]!, 'a', 'b', 'other')])).toEqual([{ outcome: 'duplicate' }]);
    expect((await written())[0]).toMatchObject({ taken: 0b10, unused: RANGE_MAX_IDS - 1 });
    expect(await store.write([appendOp(ids[1]!, 'a', 'b')])).toMatchObject([{ outcome: 'retry' }]);
    // ids of a range are someone's: another user's attempt is a bad id and takes nothing
    expect(await store.write([appendOp(ids[0]!, 'b', 'a')])).toEqual([{ outcome: 'bad_id' }]);
    await store.write(ids.slice(RANGE_MAX_IDS).map((id) => appendOp(id, 'a', 'b')));
    expect(ranges()).toHaveLength(2);
    // the highest id of a full range
    expect(await store.write([appendOp(ids[RANGE_MAX_IDS - 1]!, 'a', 'b')])).toMatchObject([
      { outcome: 'stored' },
    ]);
    // the unused count is what the cap counts, the held uses included
    const cap = { kind: 'reserve', userId: 'a', count: 1, nowMs: 1, validFromMs: 0 } as const;
    expect(await store.write([{ ...cap, maxOutstanding: RANGE_MAX_IDS - 2 }])).toEqual([
      { outcome: 'too_many' },
    ]);
    expect(ranges().map((r) => r.unused)).toEqual([RANGE_MAX_IDS - 1, 2]);
    const [next] = await store.write([{ ...cap, maxOutstanding: RANGE_MAX_IDS - 1 }]);
    expect(next).toMatchObject({ outcome: 'reserved' });
    const nextId = (next as { ids: number[] }).ids[0];
    expect((await written()).map((r) => [r.first_id, r.taken])).toEqual([
      [ids[0], 0b10 | (1 << (RANGE_MAX_IDS - 1))],
      [nextId, 0],
    ]);
  });

  it('checks the quota by the number of range rows while they cannot reach it, exactly near it', async () => {
    const { store, ranges } = await open();
    await store.write([user('a')]);
    const reserve = (count: number, maxOutstanding: number, nowMs = 3) =>
      store.write([{ kind: 'reserve', userId: 'a', count, nowMs, validFromMs: 2, maxOutstanding }]);
    const [old] = await reserve(RANGE_MAX_IDS, 1000, 1);
    const oldIds = (old as { ids: number[] }).ids;
    // expired (reserved at 1, valid from 2), but two rows cannot reach the quota: left to the purge
    expect(await reserve(1, 1000)).toMatchObject([{ outcome: 'reserved' }]);
    expect(ranges().map((r) => r.first_id)).toContain(oldIds[0]);
    // two rows could reach a quota of 31: the expired row is dropped, and the one unused id counted
    expect(await reserve(RANGE_MAX_IDS, RANGE_MAX_IDS + 1)).toMatchObject([{ outcome: 'reserved' }]);
    expect(ranges().map((r) => r.first_id)).not.toContain(oldIds[0]);
    expect(await reserve(1, RANGE_MAX_IDS + 1)).toEqual([{ outcome: 'too_many' }]);
  });

  it('finds a user entry by message id only where it still holds that message', async () => {
    const { store } = await open();
    await store.write([user('a'), user('b')]);
    const [first, second] = await reserveIds(store, 'a', 2);
    await store.write([appendOp(first!, 'a', 'b')]);
    // b is deleted and its id taken again: the old message's position 1 in b's timeline is reused
    expect(await store.write([{ kind: 'deleteUser', userId: 'b', limit: 100, timeMs: 2 }])).toEqual([
      { outcome: 'deleted' },
    ]);
    await store.write([user('b'), appendOp(second!, 'a', 'b')]);
    expect((await store.pendingMessages('b', 0, 10)).map((m) => [m.seq, m.msgId])).toEqual([[1, second]]);
    // a confirmation of the old message leaves the new one pending
    expect(await store.write([{ kind: 'confirm', userId: 'b', msgId: first! }])).toEqual([{ found: false }]);
    expect((await store.pendingMessages('b', 0, 10)).map((m) => m.msgId)).toEqual([second]);
    expect(await store.history({ userId: 'b', beforeMsgId: first!, limit: 10 })).toBe('unknown_base');
    expect(seqs(await store.history({ userId: 'a', beforeMsgId: second!, limit: 10 }))).toEqual([[1, first]]);
    expect(await store.write([{ kind: 'confirm', userId: 'b', msgId: second! }])).toEqual([{ found: true }]);
    expect(await store.pendingMessages('b', 0, 10)).toEqual([]);
  });

  it('migrates reservations and messages of the previous version, keeping ids, positions and what is pending', async () => {
    const dir = tempDir();
    const old = sqliteBefore(dir, APPEND_ROWS_TABLES);
    const digestOfOne = contentDigest({ type: 0, body: 'one' });
    old.exec(`
      UPDATE meta SET value = 9 WHERE key = 'next_msg_id';
      INSERT INTO users (id, name, created_ms, seq_head) VALUES ('a', 'A', 0, 3), ('b', 'B', 0, 1);
      INSERT INTO messages (seq, msg_id, from_id, to_id, conv, type, body, digest, status, time_ms) VALUES
        (1, 2, 'a', 'b', 'a b', 0, 'one', '${digestOfOne}', 1, 10), (2, 4, 'a', 'a', 'a a', 0, 'note', 'd4', 1, 20),
        (3, 5, 'a', '~g', '~g', 0, 'group', 'd5', 1, 30);
      INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming) VALUES
        ('a', 2, 2, 'b', 0), ('b', 1, 2, 'a', 1), ('a', 3, 4, 'a', 1);
      INSERT INTO pending (user_id, seq, msg_id, time_ms) VALUES ('b', 1, 2, 10);
      INSERT INTO reservations (msg_id, user_id, reserved_ms) VALUES (6, 'a', 100), (7, 'a', 100), (8, 'b', 100);
    `);
    old.close();
    const { store, ranges, written } = await open(dir);
    expect(ranges().map((r) => [r.first_id, r.size, r.unused])).toEqual([
      [6, 1, 1],
      [7, 1, 1],
      [8, 1, 1],
    ]);
    // positions by message id: retries, history bases and confirmations
    expect(await store.write([appendOp(2, 'a', 'b', 'one')])).toEqual([
      expect.objectContaining({
        outcome: 'retry',
        message: expect.objectContaining({ seq: 1 }),
        senderSeq: 2,
      }),
    ]);
    expect(seqs(await store.history({ userId: 'a', beforeMsgId: 4, limit: 10 }))).toEqual([[2, 2]]);
    expect(await store.write([{ kind: 'confirm', userId: 'b', msgId: 2 }])).toEqual([{ found: true }]);
    expect(await store.pendingMessages('b', 0, 10)).toEqual([]);
    // the reserved ids are still their owners', once
    expect(await store.write([appendOp(8, 'a', 'b')])).toEqual([{ outcome: 'bad_id' }]);
    expect(await store.write([appendOp(6, 'a', 'b'), appendOp(8, 'b', 'a')])).toMatchObject([
      { outcome: 'stored', message: { seq: 2 }, senderSeq: 4 },
      { outcome: 'stored', message: { seq: 5 }, senderSeq: 3 },
    ]);
    expect((await written()).map((r) => r.first_id)).toEqual([7]);
    expect(await store.getMessage(5)).toMatchObject({ toId: '~g', body: 'group' });
    expect(await reserveIds(store, 'a', 1)).toEqual([9]);
  });
});

describe('SQLite message rows', () => {
  it('stores no digest for a message stored as sent, and the digest of what was sent where it must', async () => {
    const { store, db } = await open();
    await store.write([user('a'), user('b')]);
    const [plain, rewritten] = await reserveIds(store, 'a', 2);
    await store.write([
      appendOp(plain!, 'a', 'b', 'hello'),
      { ...appendOp(rewritten!, 'a', 'b', 'd*** it'), sentBody: 'darn it' } as WriteOp,
    ]);
    const digest = (msgId: number) =>
      (db.prepare('SELECT digest FROM messages WHERE msg_id = ?').get(msgId) as { digest: string }).digest;
    expect(digest(plain!)).toBe(BODY_AS_SENT);
    expect(digest(rewritten!)).toBe(contentDigest({ type: 0, body: 'darn it' }));
    // a recall empties the body: the row keeps the digest of what it held
    await store.write([
      { kind: 'recall', userId: 'a', peerId: 'b', msgId: plain!, notBeforeMs: 0, notice: '{}' },
    ]);
    expect(digest(plain!)).toBe(contentDigest({ type: 0, body: 'hello' }));
  });
});
