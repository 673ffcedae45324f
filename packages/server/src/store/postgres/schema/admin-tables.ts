/**
 * The tables and indexes of the server API and data retention (one migration, self-contained), as
 * SQLite's `admin-schema.ts`: when each pending delivery was stored and an index on message times
 * (sweeps are range deletes), reverse indexes for deleting a user from others' contact lists and
 * blocklists, token revocations (kept after a user is deleted), and the catalogue of uploads.
 */
export const ADMIN_TABLES = `
  ALTER TABLE pending ADD COLUMN time_ms BIGINT NOT NULL DEFAULT 0;
  UPDATE pending p SET time_ms = m.time_ms FROM messages m WHERE m.msg_id = p.msg_id;
  CREATE INDEX pending_by_time ON pending (time_ms);
  CREATE INDEX messages_by_time ON messages (time_ms);
  CREATE INDEX contacts_by_contact ON contacts (contact_id);
  CREATE INDEX blocks_by_blocked ON blocks (blocked_id);
  CREATE TABLE token_revocations (user_id TEXT COLLATE "C" PRIMARY KEY, valid_from_ms BIGINT NOT NULL);
  CREATE TABLE files (
    id TEXT COLLATE "C" PRIMARY KEY,
    owner TEXT COLLATE "C",
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_ms BIGINT NOT NULL
  );
  CREATE INDEX files_by_owner ON files (owner, created_ms);
  CREATE INDEX files_by_time ON files (created_ms);
  CREATE INDEX files_by_blob ON files (sha256);
  `;
