import type { OptionSpec } from './config.js';

/** Quotas and limits per user and per message store (part of `ServerConfig`). */
export interface QuotaSettings {
  maxPendingFriendRequests: number;
  reservationTtlMs: number;
  maxReservedIds: number;
  maxPendingMessages: number;
  maxGroupMembers: number;
  noticeRetentionMs: number;
  maxUploadBytesPerDay: number;
  friendRequestCooldownMs: number;
  maxHistoryPageBytes: number;
}

export const QUOTA_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'maxPendingFriendRequests',
    env: 'MAX_PENDING_FRIEND_REQUESTS',
    flag: '--max-pending-friend-requests',
    kind: 'int',
    min: 1,
    help: 'friend requests a user may have waiting for an answer',
  },
  {
    key: 'reservationTtlMs',
    env: 'RESERVATION_TTL_MS',
    flag: '--reservation-ttl-ms',
    kind: 'int',
    min: 1000,
    help: 'how long ids from action 2 stay valid unused (EXPIRED_MSG_ID after)',
  },
  {
    key: 'maxReservedIds',
    env: 'MAX_RESERVED_IDS',
    flag: '--max-reserved-ids',
    kind: 'int',
    min: 10,
    help: 'unused, unexpired ids from action 2 a user may hold (QUOTA_EXCEEDED above)',
  },
  {
    key: 'maxPendingMessages',
    env: 'MAX_PENDING_MESSAGES',
    flag: '--max-pending-messages',
    kind: 'int',
    min: 1,
    help: 'messages waiting for one recipient to confirm them (RECIPIENT_FULL to senders above)',
  },
  {
    key: 'maxGroupMembers',
    env: 'MAX_GROUP_MEMBERS',
    flag: '--max-group-members',
    kind: 'int',
    min: 2,
    help: 'members a group may have (GROUP_FULL above)',
  },
  {
    key: 'noticeRetentionMs',
    env: 'NOTICE_RETENTION_MS',
    flag: '--notice-retention-ms',
    kind: 'int',
    min: 0,
    help: 'how long a delivered notice is kept for devices catching up with noticesSince',
  },
  {
    key: 'maxUploadBytesPerDay',
    env: 'MAX_UPLOAD_BYTES_PER_DAY',
    flag: '--max-upload-bytes-per-day',
    kind: 'int',
    min: 0,
    help: 'bytes a user (in open mode: an address) may upload per UTC day (429 above; 0: unlimited)',
  },
  {
    key: 'friendRequestCooldownMs',
    env: 'FRIEND_REQUEST_COOLDOWN_MS',
    flag: '--friend-request-cooldown-ms',
    kind: 'int',
    min: 0,
    help: 'after a rejection, how long a new request to the same user is refused (COOLDOWN)',
  },
  {
    key: 'maxHistoryPageBytes',
    env: 'MAX_HISTORY_PAGE_BYTES',
    flag: '--max-history-page-bytes',
    kind: 'int',
    min: 1024,
    help: 'bytes of history entries in one action 12 page (fewer messages then; at least one)',
  },
];

export const quotaDefaults: QuotaSettings = {
  maxPendingFriendRequests: 100,
  reservationTtlMs: 24 * 60 * 60_000,
  maxReservedIds: 10_000,
  maxPendingMessages: 10_000,
  maxGroupMembers: 500,
  noticeRetentionMs: 7 * 24 * 60 * 60_000,
  maxUploadBytesPerDay: 500 * 1024 * 1024,
  friendRequestCooldownMs: 24 * 60 * 60_000,
  maxHistoryPageBytes: 256 * 1024,
};
