import type Database from 'better-sqlite3';
import { prep } from './prep.js';

export interface FileRow {
  id: string;
  owner: string | null;
  sha256: string;
  size: number;
  created_ms: number;
}

/** Deletes at most `?2` rows of a table whose key starts with the user `?1`, by key. */
const chunk = (db: Database.Database, table: string, column: string, key: string) =>
  prep<[string, number]>(
    db,
    `DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${column} = ? LIMIT ?)`,
  );

/**
 * The statements of the server API and data retention, prepared once (part of `Statements`). The
 * chunked deletes each read one index range; sweeps walk the time indexes from their oldest end.
 */
export function prepareAdminStatements(db: Database.Database) {
  return {
    tokensValidFrom: prep<[string], { valid_from_ms: number }>(
      db,
      'SELECT valid_from_ms FROM token_revocations WHERE user_id = ?',
    ),
    /** Moves the user's revocation forward to `?2` (never back). */
    revokeTokens: prep<[string, number], { valid_from_ms: number }>(
      db,
      `INSERT INTO token_revocations (user_id, valid_from_ms) VALUES (?, ?)
       ON CONFLICT (user_id) DO UPDATE SET valid_from_ms = MAX(valid_from_ms, excluded.valid_from_ms)
       RETURNING valid_from_ms`,
    ),
    membershipsOf: prep<[string], { group_id: string; left_seq: number | null }>(
      db,
      'SELECT group_id, left_seq FROM group_members WHERE user_id = ? ORDER BY group_id',
    ),
    /** Empties a message's body and content digest and marks it recalled (changes 0: it was). */
    eraseMessage: prep<[number]>(
      db,
      "UPDATE messages SET body = '', digest = '', recalled = 1 WHERE msg_id = ? AND recalled = 0",
    ),
    forgetDigest: prep<[number]>(db, "UPDATE messages SET digest = '' WHERE msg_id = ?"),

    deleteTimelineChunk: chunk(db, 'user_timeline', 'user_id', 'user_id, seq'),
    deletePendingChunk: chunk(db, 'pending', 'user_id', 'user_id, seq'),
    deleteNoticesChunk: chunk(db, 'notices', 'user_id', 'id'),
    deleteConversationsChunk: chunk(db, 'conversations', 'user_id', 'user_id, conv_id'),
    deleteContactsChunk: chunk(db, 'contacts', 'user_id', 'user_id, contact_id'),
    deleteContactOfChunk: chunk(db, 'contacts', 'contact_id', 'user_id, contact_id'),
    deleteRequestsFromChunk: chunk(db, 'friend_requests', 'from_id', 'from_id, to_id'),
    deleteRequestsToChunk: chunk(db, 'friend_requests', 'to_id', 'from_id, to_id'),
    deleteReservationsChunk: chunk(db, 'id_ranges', 'user_id', 'first_id'),
    deleteBlocksChunk: chunk(db, 'blocks', 'user_id', 'user_id, blocked_id'),
    deleteBlockedByChunk: chunk(db, 'blocks', 'blocked_id', 'user_id, blocked_id'),
    deleteMembershipsChunk: chunk(db, 'group_members', 'user_id', 'group_id, user_id'),
    deleteUploadUsageChunk: chunk(db, 'upload_usage', 'owner', 'owner, day'),
    /**
     * Blanks the user's words in at most `?` webhook events (a message's text, a friend request's),
     * marks them `data.erased`, and takes them off the sender index so they are not found again.
     */
    redactOutboxChunk: prep<[string, number]>(
      db,
      `UPDATE webhook_outbox SET from_id = NULL, body = CASE type
         WHEN 'message.sent' THEN json_set(body, '$.data.chatMsg.message', '', '$.data.erased', json('true'))
         ELSE json_set(body, '$.data.message', '', '$.data.erased', json('true')) END
       WHERE id IN (SELECT id FROM webhook_outbox WHERE from_id = ? LIMIT ?)`,
    ),
    /** The user's messages in chat rooms' recent windows (bounded: a window per room). */
    deleteRoomMessagesOf: prep<[string]>(db, 'DELETE FROM room_messages WHERE from_id = ?'),
    deleteUser: prep<[string]>(db, 'DELETE FROM users WHERE id = ?'),

    /**
     * The oldest messages stored before `?2`, by id below `?1`, the bound of the first `id_clock`
     * row at or after `?2` (id-clock.ts): `?3` at most.
     */
    oldMessages: prep<[number, number, number], { msg_id: number; from_id: string; to_id: string }>(
      db,
      'SELECT msg_id, from_id, to_id FROM messages WHERE msg_id < ? AND time_ms < ? ORDER BY msg_id LIMIT ?',
    ),
    /** The bound of the ids of the messages stored before `?1`, if `id_clock` has one. */
    idBoundAt: prep<[number], { next_id: number }>(
      db,
      'SELECT next_id FROM id_clock WHERE time_ms >= ? ORDER BY time_ms LIMIT 1',
    ),
    /** The rows a sweep with a later cutoff no longer needs. */
    dropIdClockBefore: prep<[number]>(db, 'DELETE FROM id_clock WHERE time_ms < ?'),
    deleteEntry: prep<[string, number]>(db, 'DELETE FROM user_timeline WHERE user_id = ? AND seq = ?'),
    /** A group message's entries: the message and its recall. */
    deleteGroupEntries: prep<[string, number]>(
      db,
      'DELETE FROM group_timeline WHERE group_id = ? AND msg_id = ?',
    ),
    deleteMessage: prep<[number]>(db, 'DELETE FROM messages WHERE msg_id = ?'),
    /** Returns the user of each pending row deleted (the writer counts what is pending). */
    expirePending: prep<[number, number], { user_id: string }>(
      db,
      `DELETE FROM pending WHERE (user_id, seq) IN
         (SELECT user_id, seq FROM pending WHERE time_ms < ? ORDER BY time_ms LIMIT ?) RETURNING user_id`,
    ),

    recordFile: prep<[string, string | null, string, number, number]>(
      db,
      `INSERT INTO files (id, owner, sha256, size, created_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    ),
    file: prep<[string], FileRow>(db, 'SELECT id, owner, sha256, size, created_ms FROM files WHERE id = ?'),
    deleteFile: prep<[string]>(db, 'DELETE FROM files WHERE id = ?'),
    blobInUse: prep<[string], { one: number }>(db, 'SELECT 1 AS one FROM files WHERE sha256 = ? LIMIT 1'),
    filesOf: prep<[string, number], FileRow>(
      db,
      'SELECT id, owner, sha256, size, created_ms FROM files WHERE owner = ? LIMIT ?',
    ),
    filesBefore: prep<[number, number], FileRow>(
      db,
      'SELECT id, owner, sha256, size, created_ms FROM files WHERE created_ms < ? ORDER BY created_ms LIMIT ?',
    ),
  };
}
