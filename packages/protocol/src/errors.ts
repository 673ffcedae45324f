/** Stable error codes carried by `{action:"0", code}` frames (PROTOCOL.md B2). */
export const ErrorCode = {
  BadJson: 'BAD_JSON',
  BadRequest: 'BAD_REQUEST',
  UnknownAction: 'UNKNOWN_ACTION',
  NotConnected: 'NOT_CONNECTED',
  AuthFailed: 'AUTH_FAILED',
  Forbidden: 'FORBIDDEN',
  UnknownUser: 'UNKNOWN_USER',
  BadMsgId: 'BAD_MSG_ID',
  DuplicateId: 'DUPLICATE_ID',
  /** The id was reserved by action 2 but its reservation expired unused (RESERVATION_TTL_MS). */
  ExpiredMsgId: 'EXPIRED_MSG_ID',
  TooLarge: 'TOO_LARGE',
  RateLimited: 'RATE_LIMITED',
  /** A quota is used up: unused reserved ids per user, upload bytes per day. */
  QuotaExceeded: 'QUOTA_EXCEEDED',
  /** The recipient has too many messages it has not confirmed yet (MAX_PENDING_MESSAGES). */
  RecipientFull: 'RECIPIENT_FULL',
  /** The same request was refused recently; it may be made again later (friend requests). */
  Cooldown: 'COOLDOWN',
  NotFound: 'NOT_FOUND',
  RecallExpired: 'RECALL_EXPIRED',
  Offline: 'OFFLINE',
  /** No such group (never created). */
  UnknownGroup: 'UNKNOWN_GROUP',
  /** The group was dismissed: no more messages or changes. */
  GroupDismissed: 'GROUP_DISMISSED',
  /** Not a member of the group, or not in the chat room on this connection. */
  NotMember: 'NOT_MEMBER',
  /** The member is muted, or the whole group is and the member is not an owner or admin. */
  Muted: 'MUTED',
  /** The group has MAX_GROUP_MEMBERS members. */
  GroupFull: 'GROUP_FULL',
  /** The recipient blocked the sender: messages, friend requests and transient frames are refused. */
  Blocked: 'BLOCKED',
  /** The server's message check (WEBHOOK_BEFORE_SEND) refused the message; `error` is its reason. */
  Rejected: 'REJECTED',
  /** The message check did not answer and the server is set to refuse then (fail closed). */
  Unavailable: 'UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * WebSocket close codes the server uses. 1000-range codes are standard; 4000-range codes are ours,
 * chosen to echo the matching HTTP status where one exists.
 */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  UnsupportedData: 1003,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  TooLarge: 1009,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  AuthFailed: 4401,
  /** The operator closed the user's connections (admin API kick, account deletion): do not reconnect by itself. */
  Kicked: 4403,
  HeartbeatTimeout: 4408,
} as const;
