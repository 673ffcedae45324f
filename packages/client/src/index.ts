// The wire types apps meet in results and events, re-exported for convenience.
export {
  type ChatMsg,
  type Contact,
  type Conversation,
  conversationKind,
  ErrorCode,
  type ErrorCodeValue,
  type FriendRequestNotice,
  type FriendResponseNotice,
  type GroupEvent,
  type GroupEventEntry,
  type GroupEventFrame,
  type GroupEventType,
  type GroupInfo,
  type GroupMember,
  type GroupRole,
  type HistoryEntry,
  isGroupId,
  isRoomId,
  isUserId,
  MsgStatus,
  MsgType,
  type MsgTypeCode,
  type PresenceReply,
  type RecallNotice,
  type UnfriendNotice,
} from '@parley/protocol';
export { Backoff } from './backoff.js';
export { ParleyClient } from './client.js';
export { conversationOf } from './conversations.js';
export {
  createEnvelope,
  type Envelope,
  type EnvelopeOptions,
  encodeEnvelope,
  parseEnvelope,
} from './envelope.js';
export {
  type ClientErrorCode,
  isParleyError,
  ParleyError,
  type ParleyErrorCode,
  type ParleyErrorDetails,
} from './errors.js';
export { Emitter, type Listener } from './events.js';
export type { FileData, UploadOptions } from './files.js';
export { type GroupChange, readersOf } from './groups.js';
export { entrySeq, isEventEntry, isMessageEntry, splitPage } from './history.js';
export type { ClientOptions } from './options.js';
export { MemoryOutbox, type Outbox, type OutboxEntry } from './outbox.js';
export type {
  CloseEventLike,
  FetchLike,
  FetchResponseLike,
  MessageEventLike,
  UploadBody,
  WebSocketConstructor,
  WebSocketLike,
} from './transport.js';
export type {
  ClientEvents,
  ConnectionState,
  ConversationKind,
  ConversationPage,
  ConversationsOptions,
  FileSendResult,
  GroupDetails,
  GroupHistoryOptions,
  GroupHistoryPage,
  GroupReadReceipt,
  HistoryOptions,
  InboundFrame,
  InboundMessageFrame,
  MessageContent,
  MessageRef,
  PingResult,
  ReceivedMessage,
  RoomJoined,
  SendResult,
  StateChange,
  StatusChange,
  UnreadChange,
  UploadedFile,
} from './types.js';
