/**
 * The tables and indexes of the server API and data retention (one migration, self-contained):
 * when each pending delivery was stored and an index on message times (sweeps are range deletes),
 * reverse indexes for deleting a user from others' contact lists and blocklists, token
 * revocations (kept after a user is deleted, so its old tokens stay refused), and the catalogue of
 * uploads (by owner for deletion, by time for retention, by content for shared blobs).
 */
export const ADMIN_TABLES = `
  ALTER TABLE pending ADD COLUMN time_ms INTEGER NOT NULL DEFAULT 0;
  UPDATE pending SET time_ms = COALESCE((SELECT m.time_ms FROM messages m WHERE m.msg_id = pending.msg_id), 0);
  CREATE INDEX pending_by_time ON pending (time_ms);
  CREATE INDEX messages_by_time ON messages (time_ms);
  CREATE INDEX contacts_by_contact ON contacts (contact_id);
  CREATE INDEX blocks_by_blocked ON blocks (blocked_id);
  CREATE TABLE token_revocations (user_id TEXT PRIMARY KEY, valid_from_ms INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE files (
    id TEXT PRIMARY KEY,
    owner TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX files_by_owner ON files (owner, created_ms);
  CREATE INDEX files_by_time ON files (created_ms);
  CREATE INDEX files_by_blob ON files (sha256);
  `;
