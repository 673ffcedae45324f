import {
  FriendRequestStatus,
  type FriendRequestStatusValue,
  friendRequestOutcome,
  friendResponseOutcome,
} from '../rules.js';
import type { FriendRequest, WriteOps } from '../store.js';
import type { FriendRequestRow, Statements } from './statements.js';

type Result<K extends keyof WriteOps> = WriteOps[K]['result'];
type Op<K extends keyof WriteOps> = WriteOps[K]['op'];

const toRequest = (r: FriendRequestRow): FriendRequest => ({
  fromId: r.from_id,
  toId: r.to_id,
  message: r.message,
  timeMs: r.time_ms,
});

const statusOf = (r: FriendRequestRow | undefined) => r?.status as FriendRequestStatusValue | undefined;

/** The friend write operations, run inside the batch transaction (SQLite: the one writer). */
export function friendRequest(sql: Statements, op: Op<'friendRequest'>): Result<'friendRequest'> {
  const existing = sql.friendRequest.get(op.fromId, op.toId);
  const outcome = friendRequestOutcome(
    {
      recipientExists: sql.userExists.get(op.toId) !== undefined,
      alreadyFriends: sql.isContact.get(op.fromId, op.toId) !== undefined,
      existing: existing && { status: statusOf(existing)!, answeredMs: existing.answered_ms },
      pendingOfRequester: sql.pendingFriendRequestCount.get(op.fromId)!.n,
      blocked: sql.isBlocked.get(op.toId, op.fromId) !== undefined,
    },
    op,
  );
  if (outcome === 'pending') return { outcome, request: toRequest(existing!) };
  if (outcome === 'cooldown') return { outcome, rejectedMs: existing!.answered_ms };
  if (outcome !== 'request') return { outcome };
  sql.upsertFriendRequest.run(op.fromId, op.toId, op.message, op.timeMs);
  const noticeId = Number(sql.insertNotice.run(op.toId, op.notice).lastInsertRowid);
  return {
    outcome: 'requested',
    noticeId,
    request: { fromId: op.fromId, toId: op.toId, message: op.message, timeMs: op.timeMs },
  };
}

export function friendResponse(sql: Statements, op: Op<'friendResponse'>): Result<'friendResponse'> {
  const request = sql.friendRequest.get(op.requesterId, op.responderId);
  const outcome = friendResponseOutcome(statusOf(request));
  if (outcome === 'not_found') return { outcome };
  if (outcome === 'repeat') return { outcome, accepted: request!.status === FriendRequestStatus.Accepted };
  const answer = op.accepted ? FriendRequestStatus.Accepted : FriendRequestStatus.Rejected;
  sql.answerFriendRequest.run(answer, op.timeMs, op.requesterId, op.responderId);
  if (op.accepted) {
    addContacts(sql, op.requesterId, [op.responderId]);
    addContacts(sql, op.responderId, [op.requesterId]);
    // a request the other way is settled by this acceptance too
    if (statusOf(sql.friendRequest.get(op.responderId, op.requesterId)) === FriendRequestStatus.Pending) {
      sql.answerFriendRequest.run(FriendRequestStatus.Accepted, op.timeMs, op.responderId, op.requesterId);
    }
  }
  return {
    outcome: 'answered',
    noticeId: Number(sql.insertNotice.run(op.requesterId, op.notice).lastInsertRowid),
  };
}

export function unfriend(sql: Statements, op: Op<'unfriend'>): Result<'unfriend'> {
  const removed =
    sql.removeContact.run(op.userId, op.peerId).changes + sql.removeContact.run(op.peerId, op.userId).changes;
  if (removed === 0) return { outcome: 'not_found' };
  return { outcome: 'removed', noticeId: Number(sql.insertNotice.run(op.peerId, op.notice).lastInsertRowid) };
}

/** Appends contacts at the end of a user's list, in order (positions from a counter). */
export function addContacts(sql: Statements, userId: string, contactIds: readonly string[]): void {
  if (contactIds.length === 0) return;
  const end = sql.nextContactPositions.get(contactIds.length)!.value;
  for (const [i, id] of contactIds.entries()) sql.insertContact.run(userId, id, end - contactIds.length + i);
}
