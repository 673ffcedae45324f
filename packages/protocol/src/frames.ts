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
  /** The message's position in the timeline of the user it is sent to (additive): a device's sync cursor, see `since`. */
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
  toId?: string;
  baseMsgId?: string;
  pageSize?: number;
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
  | HistoryFrame;

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
  chatMsg: { id: string; status: 1 | 2; time?: string; ts?: number };
}
export interface HeartbeatReply {
  action: '5';
  toId: string;
}
export interface RecallNotice {
  action: '6';
  fromId: string;
  toId: string;
  chatMsg: { id: string };
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
}
export interface FriendResponseNotice {
  action: '9';
  fromId: string;
  toId: string;
  accepted: boolean;
}
export interface UnfriendNotice {
  action: '10';
  fromId: string;
  toId: string;
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
export interface HistoryReply {
  action: '12';
  fromId: string;
  toId?: string;
  historyMsgs: HistoryEntry[];
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
  | ErrorFrame;
