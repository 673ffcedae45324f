import type { WriteOps } from '../store.js';
import { type Db, SQL } from './statements.js';

type Result<K extends keyof WriteOps> = WriteOps[K]['result'];
type Op<K extends keyof WriteOps> = WriteOps[K]['op'];

/**
 * Ids and quotas, run inside the batch transaction. `reserve` relies on the user's row being locked
 * for the batch: no other reserve of this user comes between the count and the insert.
 */
export async function reserve(db: Db, op: Op<'reserve'>): Promise<Result<'reserve'>> {
  const { userId, count, nowMs } = op;
  await db.run(SQL.dropExpiredReservationsOf, userId, op.validFromMs);
  const held = (await db.get(SQL.reservationCount, userId))!.n;
  if (held + count > op.maxOutstanding) return { outcome: 'too_many' };
  // ids from the sequence: unique across nodes, increasing, never waiting for another transaction
  const rows = await db.all(SQL.reserveIds, count, userId, nowMs);
  return { outcome: 'reserved', ids: rows.map((r) => r.msg_id).sort((a, b) => a - b) };
}

export async function purgeReservations(
  db: Db,
  op: Op<'purgeReservations'>,
): Promise<Result<'purgeReservations'>> {
  return { purged: await db.run(SQL.purgeReservations, op.expiredBeforeMs, op.limit) };
}

/** The check and the add are one conditional upsert: atomic against a concurrent charge. */
export async function chargeUpload(db: Db, op: Op<'chargeUpload'>): Promise<Result<'chargeUpload'>> {
  if (op.bytes > op.maxBytes) return { charged: false };
  await db.run(SQL.dropUploadDaysBefore, op.owner, op.day);
  return { charged: (await db.run(SQL.chargeUpload, op.owner, op.day, op.bytes, op.maxBytes)) > 0 };
}

export async function refundUpload(db: Db, op: Op<'refundUpload'>): Promise<Result<'refundUpload'>> {
  await db.run(SQL.refundUpload, op.bytes, op.owner, op.day);
  return null;
}
