import type {
  ChatMsg,
  ClientFrame,
  FriendRequestNotice,
  FriendResponseNotice,
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

/** A message received (action 3). `transient` ones (`store: false`) are not stored nor confirmed. */
export interface ReceivedMessage {
  fromId: string;
  toId: string;
  chatMsg: ChatMsg;
  transient: boolean;
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
  /** Errors that belong to no pending call (and fatal ones, which also close the client). */
  error: ParleyError;
}

/** A message or history entry to mark read. */
export interface MessageRef {
  fromId: string;
  chatMsg: { id: string };
  /** Transient messages are not stored, so they cannot be read: `markRead` ignores them. */
  transient?: boolean;
}

export interface HistoryOptions {
  /** Only the conversation with this user (default: all conversations). */
  with?: string;
  /** Messages per page (server default 20, at most 100). */
  pageSize?: number;
  /** Start before this message id (default: from now). */
  before?: string;
}
