import {
  ErrorCode,
  type FriendRequestFrame,
  type FriendRequestNotice,
  type FriendResponseFrame,
  type FriendResponseNotice,
  type UnfriendFrame,
  type UnfriendNotice,
} from '@parley/protocol';
import type { FriendRequest } from '../../store/store.js';
import { blockedBy, CoreError } from '../core-error.js';
import { friendCooldownFrom } from '../quotas.js';
import type { Session } from '../session.js';
import { echoAndNotify } from './notify.js';

function requestFrame(s: Session, r: FriendRequest): string {
  const frame: FriendRequestNotice = {
    action: '8',
    fromId: r.fromId,
    toId: r.toId,
    chatMsg: { message: r.message, time: s.ctx.time(r.timeMs), ts: r.timeMs },
  };
  return JSON.stringify(frame);
}

/** Action 8 (B7): a friend request, stored and delivered like a message, echoed as confirmation. */
export async function addFriend(s: Session, f: FriendRequestFrame): Promise<void> {
  if (f.toId === f.fromId)
    throw new CoreError(ErrorCode.BadRequest, 'you cannot send a friend request to yourself');
  const request: FriendRequest = {
    fromId: f.fromId,
    toId: f.toId,
    message: f.chatMsg?.message ?? '',
    timeMs: s.ctx.clock.now(),
  };
  const notice = requestFrame(s, request);
  const { config } = s.ctx;
  const maxPending = config.maxPendingFriendRequests;
  const r = await s.ctx.write({
    kind: 'friendRequest',
    ...request,
    notice,
    maxPending,
    rejectedBeforeMs: friendCooldownFrom(config, request.timeMs),
  });
  switch (r.outcome) {
    case 'blocked':
      throw blockedBy(f.toId);
    case 'cooldown':
      throw new CoreError(
        ErrorCode.Cooldown,
        `${f.toId} declined your request; you may ask again after ${s.ctx.time(r.rejectedMs + config.friendRequestCooldownMs)}`,
      );
    case 'requested':
      return echoAndNotify(s, notice, f.toId, r.noticeId);
    case 'pending':
      return s.replyText(requestFrame(s, r.request));
    case 'already_friends':
      throw new CoreError(ErrorCode.BadRequest, `${f.toId} is already your contact`);
    case 'unknown_user':
      throw new CoreError(ErrorCode.UnknownUser, `no user ${f.toId}`);
    case 'too_many':
      throw new CoreError(
        ErrorCode.RateLimited,
        `at most ${maxPending} friend requests may wait for an answer`,
      );
  }
}

/** Action 9 (B7): accept or reject the pending request of `toId`. */
export async function respondFriend(s: Session, f: FriendResponseFrame): Promise<void> {
  const frame: FriendResponseNotice = { action: '9', fromId: f.fromId, toId: f.toId, accepted: f.accepted };
  const notice = JSON.stringify(frame);
  const r = await s.ctx.write({
    kind: 'friendResponse',
    responderId: f.fromId,
    requesterId: f.toId,
    accepted: f.accepted,
    notice,
    timeMs: s.ctx.clock.now(),
  });
  switch (r.outcome) {
    case 'answered':
      return echoAndNotify(s, notice, f.toId, r.noticeId);
    case 'repeat':
      return s.reply({ ...frame, accepted: r.accepted });
    case 'not_found':
      throw new CoreError(ErrorCode.NotFound, `no friend request from ${f.toId}`);
  }
}

/** Action 10 (Parley): remove a friend; both leave each other's contacts, the other side is told. */
export async function removeFriend(s: Session, f: UnfriendFrame): Promise<void> {
  const frame: UnfriendNotice = { action: '10', fromId: f.fromId, toId: f.toId };
  const notice = JSON.stringify(frame);
  const r = await s.ctx.write({ kind: 'unfriend', userId: f.fromId, peerId: f.toId, notice });
  if (r.outcome === 'not_found') throw new CoreError(ErrorCode.NotFound, `${f.toId} is not your contact`);
  echoAndNotify(s, notice, f.toId, r.noticeId);
}
