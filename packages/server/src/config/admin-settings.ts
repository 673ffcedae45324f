import { isUserId } from '@parley/protocol';
import type { OptionSpec } from './config.js';

/** The settings of the server API's system sender and of data retention (part of `ServerConfig`). */
export interface AdminSettings {
  /** The sender of `POST /v1/messages` without `fromId`; created on first use. */
  systemUserId: string;
  /** Messages older than this are deleted in the background (0: kept). */
  retentionMessagesMs: number;
  /** Deliveries pending (unconfirmed) for longer than this are dropped (0: kept until confirmed). */
  retentionPendingMs: number;
  /** Uploaded files older than this are deleted in the background (0: kept). */
  retentionFilesMs: number;
}

export const ADMIN_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'systemUserId',
    env: 'SYSTEM_USER_ID',
    flag: '--system-user-id',
    kind: 'string',
    check: isUserId,
    help: 'user id that POST /v1/messages sends as when no fromId is given (created on first use)',
  },
  {
    key: 'retentionMessagesMs',
    env: 'RETENTION_MESSAGES_MS',
    flag: '--retention-messages-ms',
    kind: 'int',
    min: 0,
    help: 'messages older than this are deleted in the background (0: keep them)',
  },
  {
    key: 'retentionPendingMs',
    env: 'RETENTION_PENDING_MS',
    flag: '--retention-pending-ms',
    kind: 'int',
    min: 0,
    help: 'offline deliveries pending longer than this are dropped; history still has them (0: keep)',
  },
  {
    key: 'retentionFilesMs',
    env: 'RETENTION_FILES_MS',
    flag: '--retention-files-ms',
    kind: 'int',
    min: 0,
    help: 'uploaded files older than this are deleted in the background (0: keep them)',
  },
];

export const adminDefaults: AdminSettings = {
  systemUserId: 'system',
  retentionMessagesMs: 0,
  retentionPendingMs: 7 * 24 * 60 * 60_000,
  retentionFilesMs: 0,
};
