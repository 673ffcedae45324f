import { conversationKey } from '../conversation.js';
import type { AppendResult, NewMessage, WriteOps } from '../store.js';
import { toMessage } from './rows.js';
import type { Statements } from './statements.js';

type Result<K extends keyof WriteOps> = WriteOps[K]['result'];
type Op<K extends keyof WriteOps> = WriteOps[K]['op'];

/** The message write operations, run inside the batch transaction. */
export function reserve(sql: Statements, op: Op<'reserve'>): Result<'reserve'> {
  const { userId, count, nowMs } = op;
  sql.dropExpiredReservationsOf.run(userId, op.validFromMs);
  // inside the write transaction: no other reserve of this user can come between count and insert
  if (sql.reservationCount.get(userId)!.n + count > op.maxOutstanding) return { outcome: 'too_many' };
  const end = sql.nextId.get(count)!.value;
  const ids: number[] = [];
  for (let id = end - count; id < end; id++) {
    sql.reserve.run(id, userId, nowMs);
    ids.push(id);
  }
  return { outcome: 'reserved', ids };
}

export function purgeReservations(sql: Statements, op: Op<'purgeReservations'>): Result<'purgeReservations'> {
  return { purged: sql.purgeReservations.run(op.expiredBeforeMs, op.limit).changes };
}

export function append(sql: Statements, m: Op<'append'>): AppendResult {
  // The common case first: the id is reserved for the sender, and taking the reservation proves it.
  const reservation = sql.takeReservation.get(m.msgId, m.fromId);
  if (!reservation) return reused(sql, m);
  if (reservation.reserved_ms < m.validFromMs) return { outcome: 'expired_id' }; // and it is gone now
  const giveBack = () => sql.reserve.run(m.msgId, m.fromId, reservation.reserved_ms); // still the sender's
  if (!sql.userExists.get(m.toId)) {
    giveBack();
    return { outcome: 'unknown_user' };
  }
  if (sql.countPending.run(m.toId, m.maxPending).changes === 0) {
    giveBack();
    return { outcome: 'recipient_full' };
  }
  const conv = conversationKey(m.fromId, m.toId);
  const inserted = sql.insertMessage.run(m.msgId, m.fromId, m.toId, conv, m.type, m.body, m.digest, m.timeMs);
  const seq = Number(inserted.lastInsertRowid);
  sql.insertTimeline.run(m.fromId, seq);
  if (m.toId !== m.fromId) sql.insertTimeline.run(m.toId, seq);
  sql.insertPending.run(m.toId, seq);
  const { msgId, fromId, toId, type, body, timeMs } = m;
  return {
    outcome: 'stored',
    message: { seq, msgId, fromId, toId, type, body, status: 1, timeMs, recalled: false },
  };
}

/** An id that is not (or no longer) reserved for the sender: a retry, a reuse, or not its id. */
function reused(sql: Statements, m: NewMessage): AppendResult {
  const existing = sql.messageById.get(m.msgId);
  if (!existing) {
    // handed out once, never used, no longer reserved: its reservation expired and was purged
    const issued = m.msgId > 0 && m.msgId < sql.nextIdValue.get()!.value;
    return issued && !sql.isReserved.get(m.msgId) ? { outcome: 'expired_id' } : { outcome: 'bad_id' };
  }
  if (existing.from_id !== m.fromId) return { outcome: 'bad_id' };
  const same = existing.digest === m.digest && existing.to_id === m.toId;
  return same ? { outcome: 'retry', message: toMessage(existing) } : { outcome: 'duplicate' };
}

export function confirm(sql: Statements, { userId, msgId }: Op<'confirm'>): Result<'confirm'> {
  const row = sql.messageById.get(msgId);
  if (!row || row.to_id !== userId) return { found: false };
  sql.deletePending.run(userId, row.seq);
  return { found: true };
}

export function confirmThrough(
  sql: Statements,
  { userId, seq }: Op<'confirmThrough'>,
): Result<'confirmThrough'> {
  sql.deletePendingThrough.run(userId, seq);
  return null;
}

export function read(sql: Statements, op: Op<'read'>): Result<'read'> {
  const row = sql.messageById.get(op.msgId);
  if (!row || row.to_id !== op.readerId || row.from_id !== op.senderId) return { outcome: 'not_found' };
  sql.deletePending.run(op.readerId, row.seq);
  if (sql.markRead.run(row.seq).changes === 0) return { outcome: 'already' };
  return { outcome: 'read', noticeId: Number(sql.insertNotice.run(op.senderId, op.notice).lastInsertRowid) };
}

export function recall(sql: Statements, op: Op<'recall'>): Result<'recall'> {
  const row = sql.messageById.get(op.msgId);
  if (!row) return { outcome: 'not_found' };
  if (row.from_id !== op.userId) return { outcome: row.to_id === op.userId ? 'forbidden' : 'not_found' };
  if (row.to_id !== op.peerId) return { outcome: 'not_found' };
  if (row.recalled === 1) return { outcome: 'already' };
  if (row.time_ms < op.notBeforeMs) return { outcome: 'expired' };
  sql.setMessageRecalled.run(row.seq);
  sql.deletePending.run(row.to_id, row.seq);
  return {
    outcome: 'recalled',
    noticeId: Number(sql.insertNotice.run(row.to_id, op.notice).lastInsertRowid),
  };
}

export function noticeDone(sql: Statements, { userId, noticeId }: Op<'noticeDone'>): Result<'noticeDone'> {
  sql.deleteNotice.run(noticeId, userId);
  return null;
}
