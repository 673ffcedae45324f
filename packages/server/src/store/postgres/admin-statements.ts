import { stmt } from './stmt.js';

export interface FileRow {
  id: string;
  owner: string | null;
  sha256: string;
  size: number;
  created_ms: number;
}

/**
 * Deletes at most `$2` rows of a table whose `column` is the user `$1`: one index range read for
 * their row ids, then a delete by row id (`= ANY(ARRAY(...))` keeps it so in a generic plan too).
 */
const chunk = (table: string, column: string) =>
  stmt<[string, number]>(
    `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${column} = $1 LIMIT $2))`,
  );

/**
 * Blanks the user `$1`'s words in at most `$2` webhook events (a message's text, a friend
 * request's), marks them `data.erased`, and takes them off the sender index so they are not found
 * again.
 */
const redactOutboxChunk = stmt<[string, number]>(
  `UPDATE webhook_outbox SET from_id = NULL, body = jsonb_set(
     jsonb_set(body::jsonb, CASE type WHEN 'message.sent' THEN '{data,chatMsg,message}'::text[]
       ELSE '{data,message}'::text[] END, '""'),
     '{data,erased}', 'true')::text
   WHERE id = ANY (ARRAY(SELECT id FROM webhook_outbox WHERE from_id = $1 LIMIT $2))`,
);

const FILE_COLUMNS = 'id, owner, sha256, size, created_ms';

/** The statements of the server API and data retention (part of `SQL`). */
export const adminStatements = {
  tokensValidFrom: stmt<[string], { valid_from_ms: number }>(
    'SELECT valid_from_ms FROM token_revocations WHERE user_id = $1',
  ),
  /** Moves the user's revocation forward to `$2` (never back). */
  revokeTokens: stmt<[string, number], { valid_from_ms: number }>(
    `INSERT INTO token_revocations AS r (user_id, valid_from_ms) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET valid_from_ms = GREATEST(r.valid_from_ms, excluded.valid_from_ms)
     RETURNING valid_from_ms`,
  ),
  membershipsOf: stmt<[string], { group_id: string; left_seq: number | null }>(
    'SELECT group_id, left_seq FROM group_members WHERE user_id = $1 ORDER BY group_id',
  ),
  /** Empties a message's body and content digest and marks it recalled (no row: it was). */
  eraseMessage: stmt<[number], { msg_id: number }>(
    "UPDATE messages SET body = '', digest = '', recalled = TRUE WHERE msg_id = $1 AND NOT recalled RETURNING msg_id",
  ),
  forgetDigest: stmt<[number]>("UPDATE messages SET digest = '' WHERE msg_id = $1"),

  deleteTimelineChunk: chunk('user_timeline', 'user_id'),
  deletePendingChunk: chunk('pending', 'user_id'),
  deleteNoticesChunk: chunk('notices', 'user_id'),
  deleteConversationsChunk: chunk('conversations', 'user_id'),
  deleteContactsChunk: chunk('contacts', 'user_id'),
  deleteContactOfChunk: chunk('contacts', 'contact_id'),
  deleteRequestsFromChunk: chunk('friend_requests', 'from_id'),
  deleteRequestsToChunk: chunk('friend_requests', 'to_id'),
  deleteReservationsChunk: chunk('reservations', 'user_id'),
  deleteBlocksChunk: chunk('blocks', 'user_id'),
  deleteBlockedByChunk: chunk('blocks', 'blocked_id'),
  deleteMembershipsChunk: chunk('group_members', 'user_id'),
  deleteUploadUsageChunk: chunk('upload_usage', 'owner'),
  redactOutboxChunk,
  /** The user's messages in chat rooms' recent windows (bounded: a window per room). */
  deleteRoomMessagesOf: stmt<[string]>('DELETE FROM room_messages WHERE from_id = $1'),
  deletePendingCount: stmt<[string]>('DELETE FROM pending_counts WHERE user_id = $1'),
  deleteUserRow: stmt<[string]>('DELETE FROM users WHERE id = $1'),

  /**
   * The oldest messages stored before `$1`, locked; rows another transaction holds are skipped (a
   * sweep never waits).
   */
  oldMessages: stmt<[number, number], { msg_id: number; from_id: string; to_id: string }>(
    `SELECT msg_id, from_id, to_id FROM messages WHERE time_ms < $1 ORDER BY time_ms LIMIT $2
     FOR UPDATE SKIP LOCKED`,
  ),
  /** Locks those of the users that no other transaction holds (their timelines and pending rows). */
  lockUsersSkipLocked: stmt<[string[]], { id: string }>(
    'SELECT id FROM users WHERE id = ANY ($1::text[]) ORDER BY id FOR UPDATE SKIP LOCKED',
  ),
  /**
   * Deletes messages with their timeline entries (`$2`/`$3`: user and message pairs), those
   * entries' pending rows, and their group entries (`$4`/`$5`: group and message pairs).
   */
  deleteMessages: stmt<[number[], string[], number[], string[], number[]], { n: number }>(
    `WITH t AS (DELETE FROM user_timeline t USING unnest($2::text[], $3::bigint[]) AS x(user_id, msg_id)
                WHERE t.user_id = x.user_id AND t.msg_id = x.msg_id RETURNING t.user_id, t.seq, t.incoming),
          p AS (DELETE FROM pending p USING t WHERE t.incoming AND p.user_id = t.user_id AND p.seq = t.seq),
          g AS (DELETE FROM group_timeline e USING unnest($4::text[], $5::bigint[]) AS x(group_id, msg_id)
                WHERE e.group_id = x.group_id AND e.msg_id = x.msg_id),
          d AS (DELETE FROM messages WHERE msg_id = ANY ($1::bigint[]) RETURNING 1)
     SELECT COUNT(*)::int AS n FROM d`,
  ),
  oldPending: stmt<[number, number], { user_id: string; seq: number }>(
    'SELECT user_id, seq FROM pending WHERE time_ms < $1 ORDER BY time_ms LIMIT $2',
  ),
  deletePendingRows: stmt<[string[], number[]]>(
    `DELETE FROM pending p USING unnest($1::text[], $2::bigint[]) AS x(user_id, seq)
     WHERE p.user_id = x.user_id AND p.seq = x.seq`,
  ),

  recordFile: stmt<[string, string | null, string, number, number]>(
    `INSERT INTO files (id, owner, sha256, size, created_ms) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO NOTHING`,
  ),
  /**
   * Removes files from the catalogue; per file, whether another catalogued file has the same
   * content (the statement's snapshot does not see its own deletes, so those are excluded by id).
   */
  dropFiles: stmt<[string[]], { id: string; sha256: string; shared: boolean }>(
    `WITH d AS (DELETE FROM files WHERE id = ANY ($1::text[]) RETURNING id, sha256)
     SELECT d.id, d.sha256, EXISTS (SELECT 1 FROM files f WHERE f.sha256 = d.sha256 AND NOT f.id = ANY ($1::text[]))
       AS shared
     FROM d`,
  ),
  filesOf: stmt<[string, number], FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE owner = $1 LIMIT $2`),
  filesBefore: stmt<[number, number], FileRow>(
    `SELECT ${FILE_COLUMNS} FROM files WHERE created_ms < $1 ORDER BY created_ms LIMIT $2`,
  ),
};
