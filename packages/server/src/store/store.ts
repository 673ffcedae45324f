import type { Contact, MsgTypeCode } from '@parley/protocol';
import type { AdminReads, AdminWriteOps } from './admin.js';
import type {
  ConversationCursor,
  ConversationRecord,
  GroupChange,
  GroupEntry,
  GroupRecord,
  MemberRecord,
} from './groups.js';
import type { RoomReads, RoomWriteOps } from './rooms.js';

/**
 * Persistence behind the chat core. Every implementation (SQLite, PostgreSQL) passes the same
 * contract suite in test/store/store-contract.ts.
 *
 * All writes go through `write`, which applies a batch of operations in ONE transaction, so a group
 * commit acknowledges many frames at once. What an operation decides (is this a retry, may this
 * user recall that message, where is a friend request in its life) is in `rules.ts`, shared by every
 * store; a store reads what a rule needs, locked against concurrent writers where it has several,
 * and executes the outcome with conditional writes. A store meant for several writers (PostgreSQL)
 * must not be correct only because there is one; the SQLite store has exactly one writer (the data
 * folder's lock) and keeps some per-user facts of its write path in memory for it (user-facts.ts).
 *
 * Every user has a timeline: the messages it sent and received, numbered 1, 2, 3 … by `seq`, a
 * per-user position assigned inside the transaction that stores the message, so it is gap-free and
 * in commit order for that user even with several writers. Deliveries, `since` and history use it.
 */
export interface Store extends RoomReads, AdminReads {
  write(ops: readonly WriteOp[]): Promise<WriteResult[]>;
  /**
   * How many batches the commit queue may have sent and not seen answered (default 1). Only for
   * a store that applies batches strictly in the order it got them, away from the event loop, and
   * that retries a failed batch operation by operation itself, answering each failed operation
   * with an `Error` in its place in the results (see CommitQueue).
   */
  readonly pipelineDepth?: number;

  getUser(id: string): Promise<User | undefined>;
  listUsers(after: string | undefined, limit: number): Promise<User[]>;
  getContacts(userId: string): Promise<Contact[]>;
  /** Whether `contactId` is in the contact list of `userId`. */
  isContact(userId: string, contactId: string): Promise<boolean>;

  getMessage(msgId: number): Promise<StoredMessage | undefined>;
  /** The newest `limit` entries of a user's timeline (optionally with one peer) before `beforeMsgId`, newest first. */
  history(q: HistoryQuery): Promise<TimelineEntry[] | 'unknown_base'>;

  /** Messages received by a user and not yet confirmed by it, oldest first, after `afterSeq`. */
  pendingMessages(userId: string, afterSeq: number, limit: number): Promise<TimelineEntry[]>;
  /**
   * Messages of a user's timeline after `afterSeq`, received or sent (by another device, say),
   * confirmed or not (a device catching up): the newest `limit` of them, oldest first.
   */
  inboxSince(userId: string, afterSeq: number, limit: number): Promise<TimelineEntry[]>;
  /**
   * Messages of a user's timeline (received or sent) between two positions (`afterSeq` < seq <
   * `beforeSeq`), oldest first: what a connection missed when a live frame arrives out of order.
   */
  receivedBetween(
    userId: string,
    afterSeq: number,
    beforeSeq: number,
    limit: number,
  ): Promise<TimelineEntry[]>;
  /** The last position of a user's timeline (0 for none, or no such user). */
  seqHead(userId: string): Promise<number>;
  /** Other frames waiting for a user (read receipts, ...), oldest first, after `afterId`. */
  pendingNotices(userId: string, afterId: number, limit: number): Promise<Notice[]>;
  /**
   * A user's notices after `afterId`, delivered to one of its devices or not (a device catching
   * up with `noticesSince`): the newest `limit` of them still kept, oldest first.
   */
  noticesSince(userId: string, afterId: number, limit: number): Promise<Notice[]>;

  /** The users `userId` blocked, in the order it blocked them. */
  blockedUsers(userId: string): Promise<string[]>;
  /** Whether `userId` blocked `otherId`. */
  isBlocked(userId: string, otherId: string): Promise<boolean>;

  getGroup(groupId: string): Promise<GroupRecord | undefined>;
  /** The current members of a group, by when they joined. */
  groupMembers(groupId: string): Promise<MemberRecord[]>;
  /** A user's membership of a group, also once it left (`leftSeq`). */
  groupMember(groupId: string, userId: string): Promise<MemberRecord | undefined>;
  /** The groups a user is a member of now (dismissed ones too), newest first. */
  groupsOf(userId: string): Promise<GroupRecord[]>;
  /**
   * The user's memberships with entries it has not received: `deliveredSeq` below `endSeq` (the
   * group's last position, or where the user left).
   */
  groupsToSync(userId: string): Promise<{ groupId: string; deliveredSeq: number; endSeq: number }[]>;
  /** Entries of a group's timeline with `afterSeq` < seq <= `throughSeq`, oldest first. */
  groupEntries(groupId: string, afterSeq: number, throughSeq: number, limit: number): Promise<GroupEntry[]>;
  /** The newest `limit` entries with `afterSeq` < seq < `beforeSeq`, newest first (history). */
  groupHistory(groupId: string, afterSeq: number, beforeSeq: number, limit: number): Promise<GroupEntry[]>;
  /** The position of a message in its group's timeline. */
  groupMessageSeq(groupId: string, msgId: number): Promise<number | undefined>;
  /** A page of the user's conversations, newest activity first, before `before`. */
  conversations(
    userId: string,
    before: ConversationCursor | undefined,
    limit: number,
  ): Promise<ConversationRecord[]>;

  close(): Promise<void>;
}

export interface User {
  id: string;
  name: string;
}

export interface StoredMessage {
  /** Numeric part of the wire id (`MSG000042` is 42). */
  msgId: number;
  fromId: string;
  toId: string;
  type: MsgTypeCode;
  body: string;
  status: 1 | 2;
  timeMs: number;
  recalled: boolean;
}

/** A message as one user's timeline has it. */
export interface TimelineEntry extends StoredMessage {
  /** Its position in that user's timeline (the recipient's, for a delivery). */
  seq: number;
}

export interface Notice {
  id: number;
  /** The serialized frame, sent as is. */
  frame: string;
}

export interface HistoryQuery {
  userId: string;
  peerId?: string;
  /** Only entries before this message in the user's timeline (`unknown_base` if it is not there). */
  beforeMsgId?: number;
  limit: number;
}

/** A message to append (how a retry of it is told: `storedDigest` in rules.ts). */
export interface NewMessage {
  msgId: number;
  fromId: string;
  toId: string;
  type: MsgTypeCode;
  body: string;
  /**
   * The body as the sender sent it, when a before-send check rewrote `body`: the row keeps the
   * digest of this (`storedDigest`), so that the sender's retry of the same message is still
   * recognized as one.
   */
  sentBody?: string;
  timeMs: number;
}

/**
 * `message.seq` is the recipient's timeline position, or for a group message the group's;
 * `senderSeq` (1:1) the sender's; `recipients` (groups only) are the members it goes to.
 */
export type AppendResult =
  | { outcome: 'stored'; message: TimelineEntry; senderSeq?: number; recipients?: readonly string[] }
  | { outcome: 'retry'; message: TimelineEntry; senderSeq?: number; recipients?: readonly string[] }
  | { outcome: 'unknown_group' }
  | { outcome: 'dismissed' }
  | { outcome: 'not_member' }
  | { outcome: 'muted' }
  | { outcome: 'duplicate' }
  | { outcome: 'bad_id' }
  | { outcome: 'expired_id' }
  | { outcome: 'unknown_user' }
  | { outcome: 'recipient_full' }
  /** The recipient blocked the sender. */
  | { outcome: 'blocked' };

/** The write operations and what each returns. */
export interface WriteOps extends RoomWriteOps, AdminWriteOps {
  /** Returns the user, creating it with its id as its name when it does not exist. */
  ensureUser: { op: { userId: string; timeMs: number }; result: User };
  /** Creates the user or renames it. */
  upsertUser: { op: { userId: string; name: string; timeMs: number }; result: User };
  /** Replaces a user's contact list; with an id that is not a user, changes nothing and names it. */
  setContacts: { op: { userId: string; contactIds: readonly string[] }; result: { unknown: string[] } };
  /**
   * Draws `count` ids from the global sequence and reserves them for the user at `nowMs`. First
   * drops the user's reservations made before `validFromMs` (expired); refuses (`too_many`) when
   * the user would then hold more than `maxOutstanding`. The check and the insert are one atomic
   * step (a concurrent reserve of the same user must not slip between them).
   */
  reserve: {
    op: { userId: string; count: number; nowMs: number; validFromMs: number; maxOutstanding: number };
    result: { outcome: 'reserved'; ids: number[] } | { outcome: 'too_many' };
  };
  /**
   * Adds `bytes` to what `owner` uploaded on `day` (a UTC day number) unless that would pass
   * `maxBytes` (`charged: false`, nothing added); the check and the add are one atomic step. Also
   * drops the owner's records of earlier days.
   */
  chargeUpload: {
    op: { owner: string; day: number; bytes: number; maxBytes: number };
    result: { charged: boolean };
  };
  /** Gives back `bytes` of an earlier charge (an upload that failed or was smaller than charged). */
  refundUpload: { op: { owner: string; day: number; bytes: number }; result: null };
  /** Drops at most `limit` reservations (of anyone) made before `expiredBeforeMs`. */
  purgeReservations: { op: { expiredBeforeMs: number; limit: number }; result: { purged: number } };
  /**
   * Stores a message whose id is reserved for the sender since `validFromMs` or later, taking the
   * reservation. An id reserved earlier, or handed out once and neither used nor still reserved,
   * is `expired_id` (its reservation is dropped). Refused (`recipient_full`, the id stays
   * reserved) when `maxPending` messages are already pending for the recipient; the count and
   * the insert are one atomic step.
   */
  append: {
    op: NewMessage & {
      validFromMs: number;
      maxPending: number;
      /** The server API's system sender: posts to a group without being a member of it. */
      asSystem?: boolean;
    };
    result: AppendResult;
  };
  /** A device of the user has every message it received up to `seq` (`since`): none of them is pending. */
  confirmThrough: { op: { userId: string; seq: number }; result: null };
  /** The recipient confirmed receipt: the message is no longer pending for it. */
  confirm: { op: { userId: string; msgId: number }; result: { found: boolean } };
  /**
   * The recipient read a message from `senderId`: status 2, no longer pending for the reader,
   * and `notice` (the receipt frame) queued for the sender.
   */
  read: {
    op: { readerId: string; senderId: string; msgId: number; notice: string };
    result: { outcome: 'read'; noticeId: number } | { outcome: 'already' } | { outcome: 'not_found' };
  };
  /** A notice reached the user: no longer pending (kept for `noticesSince` until purged). */
  noticeDone: { op: { userId: string; noticeId: number }; result: null };
  /** Drops at most `limit` delivered notices stored before `doneBeforeMs`. */
  purgeNotices: { op: { doneBeforeMs: number; limit: number }; result: { purged: number } };
  /**
   * The sender recalls a message to `peerId` stored at or after `notBeforeMs`: its content is
   * erased, it stops being pending, and `notice` is queued for the recipient.
   */
  recall: {
    op: { userId: string; peerId: string; msgId: number; notBeforeMs: number; notice: string };
    result:
      | { outcome: 'recalled'; noticeId: number }
      | { outcome: 'already' }
      | { outcome: 'not_found' }
      | { outcome: 'forbidden' }
      | { outcome: 'expired' };
  };
  /**
   * A friend request; `notice` (the frame for `toId`) is queued only when the request is new, and
   * only while the requester has fewer than `maxPending` requests waiting for an answer. Refused
   * (`cooldown`, nothing queued) when `toId` rejected a request of `fromId` at or after
   * `rejectedBeforeMs`.
   */
  friendRequest: {
    op: {
      fromId: string;
      toId: string;
      message: string;
      timeMs: number;
      notice: string;
      maxPending: number;
      rejectedBeforeMs: number;
    };
    result:
      | { outcome: 'cooldown'; rejectedMs: number }
      | { outcome: 'requested'; noticeId: number; request: FriendRequest }
      | { outcome: 'pending'; request: FriendRequest }
      | { outcome: 'already_friends' }
      | { outcome: 'unknown_user' }
      | { outcome: 'too_many' }
      | { outcome: 'blocked' };
  };
  /** `userId` blocks (or unblocks) `otherId`; `changed` false when it already was (or was not). */
  block: {
    op: { userId: string; otherId: string; blocked: boolean; timeMs: number };
    result: { outcome: 'changed' | 'unchanged' | 'unknown_user' };
  };
  /**
   * An answer (at `timeMs`) to the pending request of `requesterId`; on accept both become each
   * other's contacts.
   */
  friendResponse: {
    op: { responderId: string; requesterId: string; accepted: boolean; notice: string; timeMs: number };
    result:
      | { outcome: 'answered'; noticeId: number }
      | { outcome: 'repeat'; accepted: boolean }
      | { outcome: 'not_found' };
  };
  /**
   * Creates a group owned by `ownerId` with the owner and `memberIds` as members, and its first
   * entry, the `created` event. `exists` when the id is taken.
   */
  createGroup: {
    op: {
      groupId: string;
      name: string;
      ownerId: string;
      memberIds: readonly string[];
      maxMembers: number;
      timeMs: number;
    };
    result:
      | { outcome: 'created'; group: GroupRecord; entries: GroupEntry[]; recipients: string[] }
      | { outcome: 'exists' | 'group_full' }
      | { outcome: 'unknown_user'; userId: string };
  };
  /**
   * A change by `actorId` (see group-rules.ts), its events appended to the group's timeline.
   * `recipients`: the members before and after the change (the removed get their removal).
   */
  changeGroup: {
    op: { groupId: string; actorId: string; change: GroupChange; maxMembers: number; timeMs: number };
    result:
      | { outcome: 'changed'; group: GroupRecord; entries: GroupEntry[]; recipients: string[] }
      | { outcome: 'unknown_group' | 'dismissed' | 'not_member' | 'forbidden' | 'group_full' }
      | { outcome: 'unknown_user'; userId: string };
  };
  /** The member has received the group's entries up to `seq` (a confirmation or a ping's proof). */
  groupConfirm: { op: { groupId: string; userId: string; seq: number }; result: null };
  /**
   * The member read a group message: its read (and received) position moves up to the message's.
   * `readCount`: how many members other than the sender have read it now.
   */
  groupRead: {
    op: { groupId: string; readerId: string; msgId: number };
    result:
      | { outcome: 'read'; seq: number; senderId: string; readCount: number }
      | { outcome: 'already' | 'not_found' };
  };
  /** The sender recalls its group message within the window: erased, and a recall entry appended. */
  groupRecall: {
    op: { groupId: string; userId: string; msgId: number; notBeforeMs: number; timeMs: number };
    result:
      | { outcome: 'recalled'; entry: GroupEntry; recipients: string[] }
      | { outcome: 'already' | 'not_found' | 'forbidden' | 'expired' };
  };
  /** Takes each user out of the other's contacts and queues `notice` for `peerId`. */
  unfriend: {
    op: { userId: string; peerId: string; notice: string };
    result: { outcome: 'removed'; noticeId: number } | { outcome: 'not_found' };
  };
  /** A user came online or went offline: changes nothing itself, the outbox records it (webhooks). */
  presence: { op: { userId: string; online: boolean; timeMs: number }; result: null };
}

export interface FriendRequest {
  fromId: string;
  toId: string;
  message: string;
  timeMs: number;
}

export type WriteKind = keyof WriteOps;
export type WriteOp = { [K in WriteKind]: { kind: K } & WriteOps[K]['op'] }[WriteKind];
export type WriteResultOf<K extends WriteKind> = WriteOps[K]['result'];
export type WriteResult = WriteOps[WriteKind]['result'];
