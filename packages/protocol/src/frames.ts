import type { MsgStatusCode, MsgTypeCode } from './actions.js';
import type { ErrorCodeValue } from './errors.js';

/** A chat message as the server delivers it and as history returns it. */
export interface ChatMsg {
  id: string;
  type: MsgTypeCode;
  message: string;
  status: MsgStatusCode;
  /** `YYYY-MM-DD HH:mm:ss` in the server's time zone. */
  time: string;
  /** Epoch milliseconds of `time` (additive field). */
  ts?: number;
  /** Present and true once the sender recalled the message (B4); `message` is then empty. */
  recalled?: boolean;
  /**
   * The message's position in the timeline of the user it is sent to (additive): a device's sync
   * cursor, see `since`. For a group message, its position in the group's timeline.
   */
  seq?: number;
}

// ---- client to server -------------------------------------------------------------------------

export interface ConnectFrame {
  action: '1';
  fromId: string;
  token?: string;
  /**
   * Parley's multi-device sync: the highest `chatMsg.seq` this device has received. The backlog is
   * then every message to the user stored after it, also those another device already confirmed.
   */
  since?: number;
  /**
   * Parley: this connection confirms what it receives (action 4 status 1 or 2, or `since`), so a
   * message stays pending until it does. Without it, a message counts as delivered once the
   * client's WebSocket answered a ping sent after it (a seed client never confirms).
   */
  confirms?: boolean;
  /**
   * Parley's notice sync: the highest `nid` this device has received. The notices of the backlog
   * are then every notice of the user stored after it (kept NOTICE_RETENTION_MS), also those
   * another device already received.
   */
  noticesSince?: number;
}
export interface GetIdsFrame {
  action: '2';
  fromId: string;
}
export interface SendMessageFrame {
  action: '3';
  fromId: string;
  toId: string;
  chatMsg: { id: string; type: MsgTypeCode; message: string; status?: number; time?: string };
  /** `false` makes the message transient (B5): never stored, only for connections online now. */
  store?: boolean;
}
export interface StatusFrame {
  action: '4';
  fromId: string;
  toId: string;
  chatMsg: { id: string; status: 1 | 2 };
}
export interface HeartbeatFrame {
  action: '5';
  fromId: string;
}
export interface RecallFrame {
  action: '6';
  fromId: string;
  toId: string;
  chatMsg: { id: string };
}
export interface PresenceFrame {
  action: '7';
  fromId: string;
  toId: string;
}
export interface FriendRequestFrame {
  action: '8';
  fromId: string;
  toId: string;
  chatMsg?: { message?: string };
}
export interface FriendResponseFrame {
  action: '9';
  fromId: string;
  toId: string;
  accepted: boolean;
}
/** Parley's action 10: remove a friend (each leaves the other's contacts). */
export interface UnfriendFrame {
  action: '10';
  fromId: string;
  toId: string;
}
export interface ContactsFrame {
  action: '11';
  fromId: string;
}
export interface HistoryFrame {
  action: '12';
  fromId: string;
  /** A user or a group. */
  toId?: string;
  baseMsgId?: string;
  /** Groups: only entries before this position of the group's timeline. */
  baseSeq?: number;
  pageSize?: number;
}
export interface CreateGroupFrame {
  action: '13';
  fromId: string;
  name: string;
  members?: string[];
}
export type GroupRole = 'owner' | 'admin' | 'member';
export type GroupOp = ChangeGroupFrame['op'];
export type ChangeGroupFrame = {
  action: '14';
  fromId: string;
  toId: string;
} & (
  | { op: 'rename'; name: string }
  | { op: 'add' | 'remove' | 'unmute'; members: string[] }
  | { op: 'leave' | 'dismiss' }
  | { op: 'role'; members: string[]; role: 'admin' | 'member' }
  | { op: 'mute'; members: string[]; durationMs?: number }
  | { op: 'muteAll'; on: boolean }
);
export interface GroupsFrame {
  action: '15';
  fromId: string;
  /** A group: that group and its members; none: the user's groups. */
  toId?: string;
}
export interface ConversationsFrame {
  action: '17';
  fromId: string;
  pageSize?: number;
  /** The `next` of the previous page. */
  before?: string;
}
/** Block (`blocked: true`) or unblock a user; echoed as confirmation. */
export interface BlockFrame {
  action: '20';
  fromId: string;
  toId: string;
  blocked: boolean;
}
export interface BlockedFrame {
  action: '21';
  fromId: string;
}
/**
 * Parley: the device has received every message of the user's timeline up to position `seq` (the
 * `chatMsg.seq` of 1:1 messages): all of them stop being pending, as if each got action 4 status 1.
 * One frame confirms a burst; no reply.
 */
export interface ReceivedThroughFrame {
  action: '22';
  fromId: string;
  seq: number;
}
export interface JoinRoomFrame {
  action: '18';
  fromId: string;
  toId: string;
}
export interface LeaveRoomFrame {
  action: '19';
  fromId: string;
  toId: string;
}

export type ClientFrame =
  | ConnectFrame
  | GetIdsFrame
  | SendMessageFrame
  | StatusFrame
  | HeartbeatFrame
  | RecallFrame
  | PresenceFrame
  | FriendRequestFrame
  | FriendResponseFrame
  | UnfriendFrame
  | ContactsFrame
  | HistoryFrame
  | CreateGroupFrame
  | ChangeGroupFrame
  | GroupsFrame
  | ConversationsFrame
  | JoinRoomFrame
  | LeaveRoomFrame
  | BlockFrame
  | BlockedFrame
  | ReceivedThroughFrame;

// ---- server to client -------------------------------------------------------------------------

export interface ConnectReply {
  action: '1';
  toId: string;
}
export interface IdsReply {
  action: '2';
  toId: string;
  chatMsg: { message: string };
}
export interface MessageDelivery {
  action: '3';
  fromId: string;
  toId: string;
  chatMsg: ChatMsg;
  /** Present (false) on transient messages (B5): not stored, must not be confirmed. */
  store?: false;
}
export interface StatusNotice {
  action: '4';
  /** The recipient of the message the status is about. */
  fromId: string;
  /** The sender of that message. */
  toId: string;
  chatMsg: {
    id: string;
    status: 1 | 2;
    time?: string;
    ts?: number;
    /** Group receipts: how many other members have read the message now. */
    readCount?: number;
  };
  /** A stored notice's position among the user's notices (additive): see `noticesSince`. */
  nid?: number;
}
export interface HeartbeatReply {
  action: '5';
  toId: string;
}
export interface RecallNotice {
  action: '6';
  fromId: string;
  toId: string;
  /** `seq`: in a group, the recall's position in the group's timeline. */
  chatMsg: { id: string; seq?: number };
  /** A stored notice's position among the user's notices (additive): see `noticesSince`. */
  nid?: number;
}
export interface PresenceReply {
  action: '7';
  fromId: string;
  toId: string;
  online: boolean;
}
export interface FriendRequestNotice {
  action: '8';
  fromId: string;
  toId: string;
  chatMsg: { message: string; time: string; ts: number };
  /** A stored notice's position among the user's notices (additive): see `noticesSince`. */
  nid?: number;
}
export interface FriendResponseNotice {
  action: '9';
  fromId: string;
  toId: string;
  accepted: boolean;
  /** A stored notice's position among the user's notices (additive): see `noticesSince`. */
  nid?: number;
}
export interface UnfriendNotice {
  action: '10';
  fromId: string;
  toId: string;
  /** A stored notice's position among the user's notices (additive): see `noticesSince`. */
  nid?: number;
}
export interface Contact {
  toId: string;
  toName: string;
}
export interface ContactsReply {
  action: '11';
  toId: string;
  contacts: Contact[];
}
export interface HistoryEntry {
  fromId: string;
  toId: string;
  chatMsg: ChatMsg;
}
/** A membership change as a group's history has it. */
export interface GroupEventEntry {
  fromId: string;
  toId: string;
  event: GroupEvent;
}
export interface HistoryReply {
  action: '12';
  fromId: string;
  toId?: string;
  /** Group histories also hold events. */
  historyMsgs: (HistoryEntry | GroupEventEntry)[];
}
export interface GroupInfo {
  id: string;
  name: string;
  ownerId: string;
  mutedAll: boolean;
  memberCount: number;
  /** The last position of the group's timeline. */
  seq: number;
  /** When it was created, epoch ms. */
  ts: number;
  /** Present (true) once dismissed. */
  dismissed?: true;
}
export interface GroupMember {
  userId: string;
  name: string;
  role: GroupRole;
  /** The member sees the group's entries after this position. */
  joinedSeq: number;
  /** How far the member has read. */
  readSeq: number;
  /** Present while muted: until then (epoch ms), 0 until unmuted. */
  mutedUntilTs?: number;
}
export type GroupEventType =
  | 'created'
  | 'joined'
  | 'removed'
  | 'left'
  | 'renamed'
  | 'owner'
  | 'role'
  | 'muted'
  | 'unmuted'
  | 'mutedAll'
  | 'dismissed';
export interface GroupEvent {
  type: GroupEventType;
  seq: number;
  time: string;
  ts: number;
  users?: string[];
  name?: string;
  role?: 'admin' | 'member';
  untilTs?: number;
  on?: boolean;
}
export interface CreateGroupReply {
  action: '13';
  toId: string;
  group: GroupInfo;
}
export interface ChangeGroupReply {
  action: '14';
  toId: string;
  op: GroupOp;
  group: GroupInfo;
}
export interface GroupsReply {
  action: '15';
  toId: string;
  groups?: GroupInfo[];
  group?: GroupInfo;
  members?: GroupMember[];
}
export interface GroupEventFrame {
  action: '16';
  fromId: string;
  toId: string;
  event: GroupEvent;
}
export interface Conversation {
  id: string;
  kind: 'user' | 'group';
  name: string;
  unread: number;
  /** Last activity, epoch ms. */
  ts: number;
  last?: HistoryEntry;
}
export interface ConversationsReply {
  action: '17';
  toId: string;
  conversations: Conversation[];
  next?: string;
}
export interface BlockedReply {
  action: '21';
  toId: string;
  blocked: string[];
}
export interface JoinRoomReply {
  action: '18';
  toId: string;
  room: string;
  recent: HistoryEntry[];
}
export interface LeaveRoomReply {
  action: '19';
  toId: string;
  room: string;
}
export interface ErrorRef {
  action?: string;
  id?: string;
}
export interface ErrorFrame {
  action: '0';
  toId?: string;
  code: ErrorCodeValue;
  error: string;
  ref?: ErrorRef;
}

export type ServerFrame =
  | ConnectReply
  | IdsReply
  | MessageDelivery
  | StatusNotice
  | HeartbeatReply
  | RecallNotice
  | PresenceReply
  | FriendRequestNotice
  | FriendResponseNotice
  | UnfriendNotice
  | ContactsReply
  | HistoryReply
  | CreateGroupReply
  | ChangeGroupReply
  | GroupsReply
  | GroupEventFrame
  | ConversationsReply
  | JoinRoomReply
  | LeaveRoomReply
  | BlockFrame
  | BlockedReply
  | ErrorFrame;
