import type {
  ChatMsg,
  ClientFrame,
  Conversation,
  FriendRequestNotice,
  FriendResponseNotice,
  GroupEventEntry,
  GroupEventFrame,
  GroupInfo,
  GroupMember,
  HistoryEntry,
  MessageDelivery,
  MsgTypeCode,
  PresenceReply,
  RecallNotice,
  ServerFrame,
  UnfriendNotice,
  UploadedFile,
} from '@parley/protocol';
import type { ParleyError } from './errors.js';

export type { UploadedFile };

/** A delivered message; `store: false` marks a transient one. */
export type InboundMessageFrame = MessageDelivery;

/** Every frame the SDK may write. */
export type OutboundFrame = ClientFrame;

/** Every frame the SDK may receive. */
export type InboundFrame = ServerFrame | InboundMessageFrame;

// ---- public types ------------------------------------------------------------------------------

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** What `send()` takes: a string is a text message (type 0). */
export type MessageContent = string | { type: MsgTypeCode; message: string };

/** The server's acknowledgement of a message: stored (or, for transient ones, delivered). */
export interface SendResult {
  id: string;
  /** `YYYY-MM-DD HH:mm:ss` in the server's time zone (absent from servers that do not send it). */
  time: string | undefined;
  /** Epoch ms of `time` (absent from servers that do not send it). */
  ts: number | undefined;
}

export interface FileSendResult extends SendResult {
  file: UploadedFile;
}

/** What a conversation id names: a user (1:1), a group (`~…`) or a chat room (`!…`). */
export type ConversationKind = 'user' | 'group' | 'room';

/**
 * A message received (action 3). `transient` ones (`store: false`) are not stored nor confirmed.
 * Group and room messages have the group or room as `toId` (and as `conversationId`).
 */
export interface ReceivedMessage {
  fromId: string;
  toId: string;
  chatMsg: ChatMsg;
  transient: boolean;
  /** The conversation: the group or room id; for 1:1 messages the other user (yourself for notes). */
  conversationId: string;
  kind: ConversationKind;
}

/**
 * A status change (action 4): `status` 1 means the message `id` from `toId` to `fromId` is stored
 * (the acknowledgement of one of your messages); 2 means `fromId` read it.
 */
export interface StatusChange {
  id: string;
  status: 1 | 2;
  /** The recipient of the message. */
  fromId: string;
  /** The sender of the message. */
  toId: string;
  time: string | undefined;
  ts: number | undefined;
}

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
}

export interface PingResult {
  /** Milliseconds from writing the PING to receiving the PONG. */
  rttMs: number;
  /** The user that answered. */
  userId: string;
}

/** A live read receipt on a group message you sent (action 4 status 2 with `readCount`). */
export interface GroupReadReceipt {
  groupId: string;
  /** Your message. */
  id: string;
  /** The member who read it (up to it). */
  readerId: string;
  /** How many other members have read it now (absent from servers that do not count). */
  readCount: number | undefined;
}

/** A chat room was joined (`joinRoom()`) or joined again by the SDK after a reconnect. */
export interface RoomJoined {
  room: string;
  /** The room's recent window, oldest first. */
  recent: HistoryEntry[];
  /** True when the SDK joined again by itself after a reconnect. */
  rejoined: boolean;
  /** On a rejoin, the entries of `recent` this client had not seen (also emitted as `message`). */
  missed: HistoryEntry[];
}

/** The SDK's unread count of a conversation changed (a message from someone else, `markRead`). */
export interface UnreadChange {
  conversationId: string;
  unread: number;
}

/** A group and its members (action 15 with a group). */
export interface GroupDetails {
  group: GroupInfo;
  members: GroupMember[];
}

/** A page of a group's history, oldest first: all entries, and the same split by kind. */
export interface GroupHistoryPage {
  entries: (HistoryEntry | GroupEventEntry)[];
  messages: HistoryEntry[];
  events: GroupEventEntry[];
}

export interface GroupHistoryOptions {
  /** Entries per page (server default 20, at most 100). */
  pageSize?: number;
  /** Start before this position of the group's timeline (default: from now). */
  beforeSeq?: number;
}

export interface ConversationsOptions {
  /** Conversations per page (server default 20, at most 100). */
  pageSize?: number;
  /** The `next` of the previous page. */
  before?: string;
}

/** A page of the conversation list, newest activity first; no `next` at the end. */
export interface ConversationPage {
  conversations: Conversation[];
  next: string | undefined;
}

/** The events of a client, by name. */
export interface ClientEvents {
  state: StateChange;
  message: ReceivedMessage;
  /** A stored message that was already delivered, dropped (and confirmed again). */
  duplicate: ReceivedMessage;
  status: StatusChange;
  recall: RecallNotice;
  friendRequest: FriendRequestNotice;
  friendResponse: FriendResponseNotice;
  friendRemoved: UnfriendNotice;
  presence: PresenceReply;
  /** A membership change of one of your groups (action 16), in order with its messages. */
  groupEvent: GroupEventFrame;
  /** Another member read one of your group messages. */
  groupRead: GroupReadReceipt;
  /** A chat room was joined, or joined again after a reconnect. */
  roomJoined: RoomJoined;
  /** The SDK's unread count of a conversation changed. */
  unread: UnreadChange;
  /** Errors that belong to no pending call (and fatal ones, which also close the client). */
  error: ParleyError;
}

/** A message or history entry to mark read. */
export interface MessageRef {
  fromId: string;
  /** Needed for group messages (the group id); received messages and history entries have it. */
  toId?: string;
  chatMsg: { id: string };
  /** Transient messages are not stored, so they cannot be read: `markRead` ignores them. */
  transient?: boolean;
}

export interface HistoryOptions {
  /**
   * Only the conversation with this user, or this group's messages (default: all conversations).
   * For a group's events too, use `groupHistory()`.
   */
  with?: string;
  /** Messages per page (server default 20, at most 100). */
  pageSize?: number;
  /** Start before this message id (default: from now). */
  before?: string;
}
