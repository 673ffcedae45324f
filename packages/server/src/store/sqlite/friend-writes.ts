import type { FriendRequest, WriteOps } from '../store.js';
import type { FriendRequestRow, Statements } from './statements.js';

type Result<K extends keyof WriteOps> = WriteOps[K]['result'];
type Op<K extends keyof WriteOps> = WriteOps[K]['op'];

const PENDING = 0;
const ACCEPTED = 1;
const REJECTED = 2;

const toRequest = (r: FriendRequestRow): FriendRequest => ({
  fromId: r.from_id,
  toId: r.to_id,
  message: r.message,
  timeMs: r.time_ms,
});

/** The friend write operations, run inside the batch transaction. */
export function friendRequest(sql: Statements, op: Op<'friendRequest'>): Result<'friendRequest'> {
  if (!sql.userExists.get(op.toId)) return { outcome: 'unknown_user' };
  if (sql.isContact.get(op.fromId, op.toId)) return { outcome: 'already_friends' };
  const existing = sql.friendRequest.get(op.fromId, op.toId);
  if (existing?.status === PENDING) return { outcome: 'pending', request: toRequest(existing) };
  if (existing?.status === REJECTED && existing.answered_ms >= op.rejectedBeforeMs)
    return { outcome: 'cooldown', rejectedMs: existing.answered_ms };
  if (sql.pendingFriendRequestCount.get(op.fromId)!.n >= op.maxPending) return { outcome: 'too_many' };
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
  if (!request) return { outcome: 'not_found' };
  if (request.status !== PENDING) return { outcome: 'repeat', accepted: request.status === ACCEPTED };
  sql.answerFriendRequest.run(op.accepted ? ACCEPTED : REJECTED, op.timeMs, op.requesterId, op.responderId);
  if (op.accepted) {
    sql.appendContact.run(op.requesterId, op.responderId, op.requesterId);
    sql.appendContact.run(op.responderId, op.requesterId, op.responderId);
    // a request the other way is settled by this acceptance too
    if (sql.friendRequest.get(op.responderId, op.requesterId)?.status === PENDING) {
      sql.answerFriendRequest.run(ACCEPTED, op.timeMs, op.responderId, op.requesterId);
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
