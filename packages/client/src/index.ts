// The wire types apps meet in results and events, re-exported for convenience.
export {
  type ChatMsg,
  type Contact,
  ErrorCode,
  type ErrorCodeValue,
  type FriendRequestNotice,
  type FriendResponseNotice,
  type HistoryEntry,
  MsgStatus,
  MsgType,
  type MsgTypeCode,
  type PresenceReply,
  type RecallNotice,
  type UnfriendNotice,
} from '@parley/protocol';
export { Backoff } from './backoff.js';
export { ParleyClient } from './client.js';
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
  FileSendResult,
  HistoryOptions,
  InboundFrame,
  InboundMessageFrame,
  MessageContent,
  MessageRef,
  PingResult,
  ReceivedMessage,
  SendResult,
  StateChange,
  StatusChange,
  UploadedFile,
} from './types.js';
