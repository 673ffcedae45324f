import {
  FriendRequestStatus,
  type FriendRequestStatusValue,
  friendRequestOutcome,
  friendResponseOutcome,
} from '../rules.js';
import type { FriendRequest, WriteOps } from '../store.js';
import type { FriendRequestRow } from './rows.js';
import { type Db, SQL } from './statements.js';
import { fromDb, toDb } from './text.js';

type Result<K extends keyof WriteOps> = WriteOps[K]['result'];
type Op<K extends keyof WriteOps> = WriteOps[K]['op'];

const toRequest = (r: FriendRequestRow): FriendRequest => ({
  fromId: r.from_id,
  toId: r.to_id,
  message: fromDb(r.message),
  timeMs: r.time_ms,
});

const statusOf = (r: FriendRequestRow | undefined) => r?.status as FriendRequestStatusValue | undefined;

/**
 * The friend write operations, run inside the batch transaction with both users' rows locked: the
 * requester's count of waiting requests and the state of the pair cannot change under a rule.
 */
export async function friendRequest(db: Db, op: Op<'friendRequest'>): Promise<Result<'friendRequest'>> {
  const existing = await db.get(SQL.friendRequest, op.fromId, op.toId);
  const outcome = friendRequestOutcome(
    {
      recipientExists: (await db.get(SQL.userExists, op.toId)) !== undefined,
      alreadyFriends: (await db.get(SQL.isContact, op.fromId, op.toId)) !== undefined,
      existing: existing && { status: statusOf(existing)!, answeredMs: existing.answered_ms },
      pendingOfRequester: (await db.get(SQL.pendingFriendRequestCount, op.fromId))!.n,
      blocked: (await db.get(SQL.isBlocked, op.toId, op.fromId)) !== undefined,
    },
    op,
  );
  if (outcome === 'pending') return { outcome, request: toRequest(existing!) };
  if (outcome === 'cooldown') return { outcome, rejectedMs: existing!.answered_ms };
  if (outcome !== 'request') return { outcome };
  await db.run(SQL.upsertFriendRequest, op.fromId, op.toId, toDb(op.message), op.timeMs);
  const noticeId = (await db.get(SQL.insertNotice, op.toId, toDb(op.notice)))!.id;
  return {
    outcome: 'requested',
    noticeId,
    request: { fromId: op.fromId, toId: op.toId, message: op.message, timeMs: op.timeMs },
  };
}

export async function friendResponse(db: Db, op: Op<'friendResponse'>): Promise<Result<'friendResponse'>> {
  const request = await db.get(SQL.friendRequest, op.requesterId, op.responderId);
  const outcome = friendResponseOutcome(statusOf(request));
  if (outcome === 'not_found') return { outcome };
  if (outcome === 'repeat') return { outcome, accepted: request!.status === FriendRequestStatus.Accepted };
  const answer = op.accepted ? FriendRequestStatus.Accepted : FriendRequestStatus.Rejected;
  await db.run(SQL.answerFriendRequest, answer, op.timeMs, op.requesterId, op.responderId);
  if (op.accepted) {
    await db.run(SQL.addContacts, op.requesterId, [op.responderId]);
    await db.run(SQL.addContacts, op.responderId, [op.requesterId]);
    // a request the other way is settled by this acceptance too
    const other = await db.get(SQL.friendRequest, op.responderId, op.requesterId);
    if (statusOf(other) === FriendRequestStatus.Pending) {
      await db.run(
        SQL.answerFriendRequest,
        FriendRequestStatus.Accepted,
        op.timeMs,
        op.responderId,
        op.requesterId,
      );
    }
  }
  return {
    outcome: 'answered',
    noticeId: (await db.get(SQL.insertNotice, op.requesterId, toDb(op.notice)))!.id,
  };
}

export async function unfriend(db: Db, op: Op<'unfriend'>): Promise<Result<'unfriend'>> {
  const removed =
    (await db.run(SQL.removeContact, op.userId, op.peerId)) +
    (await db.run(SQL.removeContact, op.peerId, op.userId));
  if (removed === 0) return { outcome: 'not_found' };
  return { outcome: 'removed', noticeId: (await db.get(SQL.insertNotice, op.peerId, toDb(op.notice)))!.id };
}
