import { isGroupId } from '@parley/protocol';
import { digestWithoutBody, readable, recallOutcome, reuseOutcome, storedDigest } from '../rules.js';
import type { AppendResult, NewMessage, WriteOps } from '../store.js';
import { readConversationThrough } from './conversation-chain.js';
import type { EntryBuffer } from './entry-buffer.js';
import { appendToGroup, groupRetry } from './group-writes.js';
import { factsOf, toMessage } from './rows.js';
import type { Statements, TimelineLinkRow } from './statements.js';
import type { WriteContext } from './write-context.js';

type Result<K extends keyof WriteOps> = WriteOps[K]['result'];
type Op<K extends keyof WriteOps> = WriteOps[K]['op'];

/**
 * A user's timeline entry of a message, if the user has one (see `entrySeq`): held by the writer
 * (`held`, entry-buffer.ts) or in the database.
 */
export function timelineEntry(
  sql: Statements,
  userId: string,
  msgId: number,
  held?: EntryBuffer,
): TimelineLinkRow | undefined {
  return held?.find(userId, msgId) ?? sql.entrySeq.get(userId, userId, userId, msgId, msgId);
}

/** The message write operations, run inside the batch transaction. */
export function append(w: WriteContext, m: Op<'append'>): AppendResult {
  const { sql, ranges } = w;
  // The common case first: the id is reserved for the sender, and the reservation proves it.
  const range = ranges.reservationOf(sql, m.msgId, m.fromId);
  if (range === undefined) return reused(w, m);
  if (range.row.reserved_ms < m.validFromMs) {
    ranges.use(range, m.msgId); // gone now
    return { outcome: 'expired_id' };
  }
  const result = isGroupId(m.toId) ? appendToGroup(sql, m) : appendToUser(w, m);
  // refused: the id stays the sender's
  if (result.outcome === 'stored') ranges.use(range, m.msgId);
  return result;
}

function appendToUser(w: WriteContext, m: Op<'append'>): AppendResult {
  const { sql, users, convs, entries } = w;
  if (!users.exists(m.toId)) return { outcome: 'unknown_user' };
  if (users.blocks(m.toId, m.fromId)) return { outcome: 'blocked' };
  if (!users.addPending(m.toId, m.maxPending)) return { outcome: 'recipient_full' };
  // positions are drawn only once the message is sure to be stored: a timeline has no gaps
  const recipientSeq = users.nextSeq(m.toId);
  // a note to oneself is one entry; otherwise the sender's timeline has it too
  const toSelf = m.toId === m.fromId;
  const senderSeq = toSelf ? recipientSeq : users.nextSeq(m.fromId);
  const { msgId, fromId, toId, type, body, timeMs } = m;
  // each entry links to the user's previous one in the conversation (conversation-chain.ts)
  const recipientPrev = convs.lastSeq(sql, toId, fromId);
  const senderPrev = toSelf ? null : convs.lastSeq(sql, fromId, toId);
  // the row is the record of both entries, which are held a while (entry-buffer.ts)
  sql.insertMessage.run(
    msgId,
    fromId,
    toId,
    type,
    body,
    storedDigest(m),
    timeMs,
    recipientSeq,
    toSelf ? null : senderSeq,
    recipientPrev,
    senderPrev,
  );
  entries.add(toId, recipientSeq, msgId, fromId, 1, recipientPrev, timeMs);
  if (senderPrev !== null) entries.add(fromId, senderSeq, msgId, toId, 0, senderPrev, timeMs);
  w.pending.add(toId, recipientSeq, msgId, timeMs); // written later, if still pending (pending-buffer.ts)
  convs.message(fromId, toId, timeMs, msgId, recipientSeq, senderSeq);
  return {
    outcome: 'stored',
    message: { seq: recipientSeq, msgId, fromId, toId, type, body, status: 1, timeMs, recalled: false },
    senderSeq,
  };
}

/** An id that is not (or no longer) reserved for the sender: a retry, a reuse, or not its id. */
function reused({ sql, ranges, entries }: WriteContext, m: NewMessage): AppendResult {
  const existing = sql.messageById.get(m.msgId);
  const outcome = reuseOutcome(factsOf(existing), m, {
    // handed out once, never used, no longer reserved: its reservation expired and was purged
    expired:
      !existing &&
      m.msgId > 0 &&
      m.msgId < sql.nextIdValue.get()!.value &&
      ranges.openRange(sql, m.msgId) === undefined,
  });
  if (outcome !== 'retry' || !existing) return { outcome: outcome === 'retry' ? 'bad_id' : outcome };
  if (isGroupId(existing.to_id)) return groupRetry(sql, existing.to_id, existing.msg_id);
  const seq = timelineEntry(sql, existing.to_id, existing.msg_id, entries)!.seq;
  // none when the sender is not a user
  const senderSeq = timelineEntry(sql, existing.from_id, existing.msg_id, entries)?.seq;
  const retry: AppendResult = { outcome: 'retry', message: { seq, ...toMessage(existing) } };
  return senderSeq === undefined ? retry : { ...retry, senderSeq };
}

/** The position of a message in the timeline of the user who received it, if that user did. */
function receivedSeq({ sql, entries }: WriteContext, userId: string, msgId: number): number | undefined {
  const entry = timelineEntry(sql, userId, msgId, entries);
  return entry?.incoming === 1 ? entry.seq : undefined;
}

export function confirm(w: WriteContext, { userId, msgId }: Op<'confirm'>): Result<'confirm'> {
  const { sql, users, pending } = w;
  // the common case: its pending row is not written yet; then one statement; nothing deleted: not
  // received, or confirmed already
  if (pending.take(userId, msgId) || sql.confirmPending.run(userId, msgId, userId, msgId).changes > 0) {
    users.pendingGone(userId, 1);
    return { found: true };
  }
  return { found: receivedSeq(w, userId, msgId) !== undefined };
}

export function confirmThrough(
  { sql, users, pending }: WriteContext,
  { userId, seq }: Op<'confirmThrough'>,
): Result<'confirmThrough'> {
  users.pendingGone(
    userId,
    pending.takeThrough(userId, seq) + sql.deletePendingThrough.run(userId, seq).changes,
  );
  return null;
}

/** Deletes the pending row of a message the user received at `seq`, if it is still there (held or written). */
export function deletePending({ sql, users, pending }: WriteContext, userId: string, seq: number): void {
  users.pendingGone(userId, pending.takeAt(userId, seq) ? 1 : sql.deletePending.run(userId, seq).changes);
}

export function read(w: WriteContext, op: Op<'read'>): Result<'read'> {
  const { sql } = w;
  if (!readable(factsOf(sql.messageById.get(op.msgId)), op)) return { outcome: 'not_found' };
  const seq = receivedSeq(w, op.readerId, op.msgId);
  if (seq !== undefined) {
    deletePending(w, op.readerId, seq);
    // the read walks the conversation's entries from the row as it is now
    w.entries.flushUser(sql, op.readerId);
    w.convs.writeRow(sql, op.readerId, op.senderId);
    readConversationThrough(sql, op.readerId, op.senderId, seq);
  }
  if (sql.markRead.run(op.msgId).changes === 0) return { outcome: 'already' };
  return { outcome: 'read', noticeId: Number(sql.insertNotice.run(op.senderId, op.notice).lastInsertRowid) };
}

export function recall(w: WriteContext, op: Op<'recall'>): Result<'recall'> {
  const { sql } = w;
  const row = sql.messageById.get(op.msgId);
  const outcome = recallOutcome(factsOf(row), op);
  if (outcome !== 'recall' || !row) return { outcome: outcome === 'recall' ? 'not_found' : outcome };
  if (sql.setMessageRecalled.run(digestWithoutBody(row), op.msgId).changes === 0)
    return { outcome: 'already' };
  const seq = receivedSeq(w, row.to_id, op.msgId);
  if (seq !== undefined) deletePending(w, row.to_id, seq);
  return {
    outcome: 'recalled',
    noticeId: Number(sql.insertNotice.run(row.to_id, op.notice).lastInsertRowid),
  };
}

export function noticeDone(sql: Statements, { userId, noticeId }: Op<'noticeDone'>): Result<'noticeDone'> {
  sql.noticeDone.run(noticeId, userId);
  return null;
}

export function purgeNotices(sql: Statements, op: Op<'purgeNotices'>): Result<'purgeNotices'> {
  return { purged: sql.purgeNotices.run(op.doneBeforeMs, op.limit).changes };
}
