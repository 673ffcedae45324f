/**
 * The chat room tables (one migration, self-contained): a position counter per room, whose row
 * also serialises the room's appends across nodes, and each room's recent window, trimmed to the
 * newest ROOM_RECENT_MESSAGES in the appending transaction.
 */
export const ROOM_TABLES = `
  CREATE TABLE rooms (id TEXT COLLATE "C" PRIMARY KEY, head BIGINT NOT NULL);
  CREATE TABLE room_messages (
    room_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    msg_id BIGINT NOT NULL UNIQUE,
    from_id TEXT COLLATE "C" NOT NULL,
    type SMALLINT NOT NULL,
    body TEXT NOT NULL,
    digest TEXT NOT NULL,
    time_ms BIGINT NOT NULL,
    PRIMARY KEY (room_id, seq)
  );
  `;
