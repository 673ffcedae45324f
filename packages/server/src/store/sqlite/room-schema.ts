/**
 * The chat room tables (one migration, self-contained): a position counter per room, and each
 * room's recent window, trimmed to the newest ROOM_RECENT_MESSAGES in the appending transaction.
 */
export const ROOM_TABLES = `
  CREATE TABLE rooms (id TEXT PRIMARY KEY, head INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE room_messages (
    room_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    msg_id INTEGER NOT NULL UNIQUE,
    from_id TEXT NOT NULL,
    type INTEGER NOT NULL,
    body TEXT NOT NULL,
    digest TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    PRIMARY KEY (room_id, seq)
  ) WITHOUT ROWID;
  `;
