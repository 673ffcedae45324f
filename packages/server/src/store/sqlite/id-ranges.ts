import type { WriteOps } from '../store.js';
import type { RangeRow, Statements } from './statements.js';
import type { WriteContext } from './write-context.js';

type Result<K extends keyof WriteOps> = WriteOps[K]['result'];
type Op<K extends keyof WriteOps> = WriteOps[K]['op'];

/** The most ids one range row holds: its `taken` bits stay within a small integer. */
export const RANGE_MAX_IDS = 30;

/**
 * Reserved ids, kept as ranges (append-rows-schema.ts): a batch of ids is one row, a message
 * marks its id taken in that row, and the row goes when all of its ids are taken. Run inside the
 * batch transaction. The message path holds the ranges it uses in memory (range-buffer.ts); the
 * functions below that take `Statements` are for the operations that run with none held (a chat
 * room's message, the purge).
 */
export function reserve(w: WriteContext, op: Op<'reserve'>): Result<'reserve'> {
  const { sql, ranges, idClock } = w;
  const { userId, count, nowMs } = op;
  // inside the write transaction: no other reserve of this user can come between count and insert
  if (!surelyUnderQuota(sql, op) && unusedAfterExpiry(w, op) + count > op.maxOutstanding)
    return { outcome: 'too_many' };
  const end = sql.nextId.get(count)!.value;
  idClock.handingOut(sql, nowMs, end - count);
  const ids = Array.from({ length: count }, (_, i) => end - count + i);
  for (let first = end - count; first < end; first += RANGE_MAX_IDS) {
    const size = Math.min(RANGE_MAX_IDS, end - first);
    sql.insertRange.run(first, userId, size, 0, size, nowMs);
    ranges.inserted({ first_id: first, user_id: userId, size, taken: 0, unused: size, reserved_ms: nowMs });
  }
  return { outcome: 'reserved', ids };
}

/**
 * Whether the user would hold at most `maxOutstanding` unused ids with `count` more, by the number
 * of its range rows alone: a row holds at most RANGE_MAX_IDS unused ids. The count reads only the
 * index of ranges by user, where the exact sum visits every row (9.7 µs in place at 15,000 msg/s;
 * a reservation costs about 11 µs less this way: docs/benchmarks.md, twenty-sixth pass). Expired
 * rows count too, and the purge drops them (`purgeReservations`). Only a user near its quota needs
 * `unusedAfterExpiry`.
 */
function surelyUnderQuota(sql: Statements, op: Op<'reserve'>): boolean {
  return sql.rangeCountOf.get(op.userId)!.n * RANGE_MAX_IDS + op.count <= op.maxOutstanding;
}

/** Drops the user's expired ranges, then counts the unused ids of the rest, held changes included. */
function unusedAfterExpiry({ sql, ranges }: WriteContext, op: Op<'reserve'>): number {
  sql.dropExpiredRangesOf.run(op.userId, op.validFromMs);
  ranges.dropExpired(op.userId, op.validFromMs);
  return sql.unusedIdsOf.get(op.userId)!.n + ranges.unusedBeyondStored(op.userId);
}

/** Drops at most `limit` expired ranges; `purged` counts the ids they still held. */
export function purgeReservations(sql: Statements, op: Op<'purgeReservations'>): Result<'purgeReservations'> {
  let purged = 0;
  for (const r of sql.purgeRanges.all(op.expiredBeforeMs, op.limit)) purged += r.unused;
  return { purged };
}

/** The range row holding the id, when the id is reserved and not used yet (by anyone: check the owner). */
export function openRangeOf(sql: Statements, msgId: number): RangeRow | undefined {
  const r = sql.rangeAt.get(msgId);
  if (!r || !holds(r, msgId) || !isFree(r, msgId)) return undefined;
  return r;
}

/** Whether the id is one of the range's. */
export const holds = (r: RangeRow, msgId: number) => msgId >= r.first_id && msgId < r.first_id + r.size;

/** Whether the range's id is not used yet. */
export const isFree = (r: RangeRow, msgId: number) => (r.taken & bitOf(r, msgId)) === 0;

/** The bit of the id in its range's `taken`. */
export const bitOf = (r: { first_id: number }, msgId: number) => 1 << (msgId - r.first_id);

/** The range holding the id, if the id is reserved for the user and not used yet. */
export function reservationOf(sql: Statements, msgId: number, userId: string): RangeRow | undefined {
  const range = openRangeOf(sql, msgId);
  return range?.user_id === userId ? range : undefined;
}

/** The reserved id is used up (stored, or refused as expired): it is no longer anyone's. */
export function useReservation(sql: Statements, range: RangeRow, msgId: number): void {
  writeRange(sql, range.first_id, range.taken | bitOf(range, msgId), range.unused - 1);
}

/** Writes a range's used ids and how many are left, or deletes its row once none is left unused. */
export function writeRange(sql: Statements, firstId: number, taken: number, unused: number): void {
  if (unused <= 0) sql.dropRange.run(firstId);
  else sql.takeFromRange.run(taken, unused, firstId);
}

/** Whether the id is reserved for anyone and not used yet. */
export function isReserved(sql: Statements, msgId: number): boolean {
  return openRangeOf(sql, msgId) !== undefined;
}
