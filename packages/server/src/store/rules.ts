import { hash } from 'node:crypto';
import type { NewMessage, WriteOps } from './store.js';

/**
 * The decisions behind the write operations, written once for every store. A store reads the rows
 * a rule names (inside its write transaction, locked where it has concurrent writers), asks the
 * rule, and executes the outcome with conditional writes.
 */

/**
 * The digest of a message's content (its type and its body as the sender sent it): what tells a
 * retry (the same message under its id again) from another message under a used id once the
 * stored body no longer says what was sent. One-shot `hash`, no Hash object per message.
 */
export function contentDigest(m: { type: number; body: string; sentBody?: string | undefined }): string {
  return hash('sha256', `${m.type}\n${m.sentBody ?? m.body}`, 'base64url');
}

/**
 * What a message row's `digest` holds while its stored body is the body as sent: a retry is then
 * told by the type and the body themselves, so the common write computes and stores no digest.
 * (Rows from before this marker hold a digest; the rules read both.)
 */
export const BODY_AS_SENT = '=';

/**
 * The `digest` a new message row is stored with: the marker, or the digest of what was sent when a
 * message check (a before-send webhook) replaced the body that is stored.
 */
export function storedDigest(m: Pick<NewMessage, 'type' | 'body' | 'sentBody'>): string {
  return m.sentBody === undefined ? BODY_AS_SENT : contentDigest(m);
}

/**
 * The `digest` a row keeps when its body is emptied by a recall: the content's digest, so that a
 * retry of the recalled message is still acknowledged as one (and another message under its id is not).
 */
export function digestWithoutBody(row: { type: number; body: string; digest: string }): string {
  return row.digest === BODY_AS_SENT ? contentDigest(row) : row.digest;
}

/** What the rules need to know of a stored message. */
export interface MessageFacts {
  fromId: string;
  toId: string;
  type: number;
  /** As stored (empty once recalled or erased). */
  body: string;
  /** `BODY_AS_SENT`, a `contentDigest`, or empty: forgotten (erased). */
  digest: string;
  timeMs: number;
  recalled: boolean;
}

/** Whether a new message carries the content a stored one was sent with. */
function sameContent(existing: MessageFacts, m: NewMessage): boolean {
  if (existing.digest === BODY_AS_SENT)
    return existing.type === m.type && existing.body === (m.sentBody ?? m.body);
  return existing.digest === contentDigest(m);
}

/**
 * An id that was not reserved for the sender when it tried to store a message: the same message
 * again (a retry after a lost ack: acknowledged again, stored once), another message under a used
 * id, an id whose reservation expired (`expired`: handed out, never used, no longer reserved), or
 * an id that is not the sender's at all.
 */
export function reuseOutcome(
  existing: MessageFacts | undefined,
  m: NewMessage,
  unused: { expired: boolean },
): 'retry' | 'duplicate' | 'bad_id' | 'expired_id' {
  if (!existing) return unused.expired ? 'expired_id' : 'bad_id';
  if (existing.fromId !== m.fromId) return 'bad_id';
  return existing.toId === m.toId && sameContent(existing, m) ? 'retry' : 'duplicate';
}

type RecallOp = WriteOps['recall']['op'];

/** Only the sender recalls, only its message to that peer, only within the window, once. */
export function recallOutcome(
  m: MessageFacts | undefined,
  op: RecallOp,
): 'recall' | 'already' | 'not_found' | 'forbidden' | 'expired' {
  if (!m) return 'not_found';
  // the recipient learns that the message exists (it has it); anyone else learns nothing
  if (m.fromId !== op.userId) return m.toId === op.userId ? 'forbidden' : 'not_found';
  if (m.toId !== op.peerId) return 'not_found';
  if (m.recalled) return 'already';
  if (m.timeMs < op.notBeforeMs) return 'expired';
  return 'recall';
}

/** A read receipt is about a message from `senderId` to the reader. */
export function readable(m: MessageFacts | undefined, op: WriteOps['read']['op']): boolean {
  return m !== undefined && m.toId === op.readerId && m.fromId === op.senderId;
}

/** The states of a friend request. */
export const FriendRequestStatus = { Pending: 0, Accepted: 1, Rejected: 2 } as const;
export type FriendRequestStatusValue = (typeof FriendRequestStatus)[keyof typeof FriendRequestStatus];

export interface FriendRequestFacts {
  recipientExists: boolean;
  alreadyFriends: boolean;
  /** An earlier request from the same requester to the same user. */
  existing: { status: FriendRequestStatusValue; answeredMs: number } | undefined;
  /** Requests of the requester still waiting for an answer (the store counts them under a lock). */
  pendingOfRequester: number;
  /** The recipient blocked the requester. */
  blocked: boolean;
}

/**
 * A new request is stored (and its recipient notified) only when nothing settles it already, and
 * not again soon after its recipient rejected it (`rejectedBeforeMs`: a rejection at or after this
 * instant still blocks).
 */
export function friendRequestOutcome(
  f: FriendRequestFacts,
  limits: { maxPending: number; rejectedBeforeMs: number },
): 'request' | 'pending' | 'cooldown' | 'already_friends' | 'unknown_user' | 'too_many' | 'blocked' {
  if (!f.recipientExists) return 'unknown_user';
  if (f.blocked) return 'blocked';
  if (f.alreadyFriends) return 'already_friends';
  if (f.existing?.status === FriendRequestStatus.Pending) return 'pending';
  if (f.existing?.status === FriendRequestStatus.Rejected && f.existing.answeredMs >= limits.rejectedBeforeMs)
    return 'cooldown';
  if (f.pendingOfRequester >= limits.maxPending) return 'too_many';
  return 'request';
}

/** Only a pending request is answered; answering again repeats the first answer. */
export function friendResponseOutcome(
  existing: FriendRequestStatusValue | undefined,
): 'answer' | 'repeat' | 'not_found' {
  if (existing === undefined) return 'not_found';
  return existing === FriendRequestStatus.Pending ? 'answer' : 'repeat';
}

/** Contact lists name users only; duplicates keep their first position. */
export function contactList(contactIds: readonly string[]): string[] {
  return [...new Set(contactIds)];
}
