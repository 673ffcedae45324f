import { isGroupId } from '@parley/protocol';
import { digestWithoutBody, readable, recallOutcome, reuseOutcome, storedDigest } from '../rules.js';
import type { AppendResult, NewMessage, WriteOps } from '../store.js';
import { appendToGroup, groupRetry } from './group-writes.js';
import { factsOf, toMessage } from './rows.js';
import { type Db, SQL } from './statements.js';
import { toDb } from './text.js';

type Result<K extends keyof WriteOps> = WriteOps[K]['result'];
type Op<K extends keyof WriteOps> = WriteOps[K]['op'];

/**
 * The message write operations, run inside the batch transaction with the rows of every user the
 * batch touches locked (see `usersTouched`).
 */
export async function append(db: Db, m: Op<'append'>): Promise<AppendResult> {
  // The common case first: the id is reserved for the sender, and taking the reservation proves it.
  const reservation = await db.get(SQL.takeReservation, m.msgId, m.fromId, m.toId);
  if (!reservation) return reused(db, m);
  if (reservation.reserved_ms < m.validFromMs) return { outcome: 'expired_id' }; // and it is gone now
  // still the sender's
  const giveBack = () => db.run(SQL.giveBackReservation, m.msgId, m.fromId, reservation.reserved_ms);
  if (isGroupId(m.toId)) {
    const result = await appendToGroup(db, m);
    if (result.outcome !== 'stored') await giveBack();
    return result;
  }
  if (!reservation.to_exists) {
    await giveBack();
    return { outcome: 'unknown_user' };
  }
  if (reservation.blocked) {
    await giveBack();
    return { outcome: 'blocked' };
  }
  if (!(await db.get(SQL.countPending, m.toId, m.maxPending))) {
    await giveBack();
    return { outcome: 'recipient_full' };
  }
  // positions are drawn only once the message is sure to be stored: a timeline has no gaps
  const stored = await db.get(
    SQL.storeMessage,
    m.msgId,
    m.fromId,
    m.toId,
    m.type,
    toDb(m.body),
    storedDigest(m),
    m.timeMs,
  );
  if (!stored) throw new Error(`append ${m.msgId}: the recipient ${m.toId} vanished`);
  const { msgId, fromId, toId, type, body, timeMs } = m;
  return {
    outcome: 'stored',
    message: { seq: stored.seq, msgId, fromId, toId, type, body, status: 1, timeMs, recalled: false },
    senderSeq: stored.sender_seq,
  };
}

/** An id that is not (or no longer) reserved for the sender: a retry, a reuse, or not its id. */
export async function reused(db: Db, m: NewMessage): Promise<AppendResult> {
  const existing = await db.get(SQL.messageById, m.msgId);
  // handed out once, never used, no longer reserved: its reservation expired and was purged
  const expired =
    !existing &&
    m.msgId > 0 &&
    m.msgId < (await db.get(SQL.nextIdValue))!.value &&
    !(await db.get(SQL.isReserved, m.msgId));
  const outcome = reuseOutcome(factsOf(existing), m, { expired });
  if (outcome !== 'retry' || !existing) return { outcome: outcome === 'retry' ? 'bad_id' : outcome };
  if (isGroupId(existing.to_id)) return groupRetry(db, existing);
  const seq = (await db.get(SQL.entrySeq, existing.to_id, existing.msg_id))!.seq;
  // none when the sender is not a user (messages stored by the admin API as a system sender)
  const senderSeq = (await db.get(SQL.entrySeq, existing.from_id, existing.msg_id))?.seq;
  const retry: AppendResult = { outcome: 'retry', message: { seq, ...toMessage(existing) } };
  return senderSeq === undefined ? retry : { ...retry, senderSeq };
}

/** The position of a message in the timeline of the user who received it, if that user did. */
async function receivedSeq(db: Db, userId: string, msgId: number): Promise<number | undefined> {
  const entry = await db.get(SQL.entrySeq, userId, msgId);
  return entry?.incoming ? entry.seq : undefined;
}

export async function confirm(db: Db, { userId, msgId }: Op<'confirm'>): Promise<Result<'confirm'>> {
  const seq = await receivedSeq(db, userId, msgId);
  if (seq === undefined) return { found: false };
  await db.run(SQL.deletePending, userId, seq); // the trigger lowers pending_counts
  return { found: true };
}

export async function confirmThrough(
  db: Db,
  { userId, seq }: Op<'confirmThrough'>,
): Promise<Result<'confirmThrough'>> {
  await db.run(SQL.deletePendingThrough, userId, seq);
  return null;
}

export async function read(db: Db, op: Op<'read'>): Promise<Result<'read'>> {
  if (!readable(factsOf(await db.get(SQL.messageById, op.msgId)), op)) return { outcome: 'not_found' };
  const seq = await receivedSeq(db, op.readerId, op.msgId);
  if (seq !== undefined) {
    await db.run(SQL.deletePending, op.readerId, seq);
    await db.run(SQL.readUserConversation, seq, op.readerId, op.senderId);
  }
  if ((await db.run(SQL.markRead, op.msgId)) === 0) return { outcome: 'already' };
  return { outcome: 'read', noticeId: (await db.get(SQL.insertNotice, op.senderId, toDb(op.notice)))!.id };
}

export async function recall(db: Db, op: Op<'recall'>): Promise<Result<'recall'>> {
  const row = await db.get(SQL.messageById, op.msgId);
  const outcome = recallOutcome(factsOf(row), op);
  if (outcome !== 'recall' || !row) return { outcome: outcome === 'recall' ? 'not_found' : outcome };
  if ((await db.run(SQL.setMessageRecalled, digestWithoutBody(factsOf(row)!), op.msgId)) === 0)
    return { outcome: 'already' };
  const seq = await receivedSeq(db, row.to_id, op.msgId);
  if (seq !== undefined) await db.run(SQL.deletePending, row.to_id, seq);
  return { outcome: 'recalled', noticeId: (await db.get(SQL.insertNotice, row.to_id, toDb(op.notice)))!.id };
}

export async function noticeDone(
  db: Db,
  { userId, noticeId }: Op<'noticeDone'>,
): Promise<Result<'noticeDone'>> {
  await db.run(SQL.noticeDone, noticeId, userId);
  return null;
}

export async function purgeNotices(db: Db, op: Op<'purgeNotices'>): Promise<Result<'purgeNotices'>> {
  return { purged: await db.run(SQL.purgeNotices, op.doneBeforeMs, op.limit) };
}
