/**
 * Fewer B-tree writes per stored message (one migration, self-contained):
 *
 * - Id reservations become ranges: one row per batch of ids that action 2 hands out (at most
 *   `RANGE_MAX_IDS`), with a bit per id that is used (`taken`) and how many are not (`unused`). A
 *   message updates its range in place; the row goes once every id of it is used. Before, each id
 *   was a row inserted and deleted again, with two indexes.
 * - Messages are keyed by their id (the old per-server `seq` and the unique index on `msg_id` go)
 *   and carry their positions in the recipient's and the sender's timelines (`to_seq`,
 *   `from_seq`; both NULL for group messages), so the index of timelines by message id goes.
 *   A lookup by message id checks that the timeline row at that position holds the message.
 * - The unused `conv` column goes with the rebuild.
 */
export const APPEND_ROWS_TABLES = `
  CREATE TABLE id_ranges (
    first_id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    taken INTEGER NOT NULL,
    unused INTEGER NOT NULL,
    reserved_ms INTEGER NOT NULL
  );
  INSERT INTO id_ranges (first_id, user_id, size, taken, unused, reserved_ms)
    SELECT msg_id, user_id, 1, 0, 1, reserved_ms FROM reservations;
  DROP TABLE reservations;
  CREATE INDEX id_ranges_by_user ON id_ranges (user_id, reserved_ms);
  CREATE INDEX id_ranges_by_time ON id_ranges (reserved_ms);

  CREATE TABLE messages_by_id (
    msg_id INTEGER PRIMARY KEY,
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    type INTEGER NOT NULL,
    body TEXT NOT NULL,
    digest TEXT NOT NULL,
    status INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    recalled INTEGER NOT NULL DEFAULT 0,
    to_seq INTEGER,
    from_seq INTEGER
  );
  INSERT INTO messages_by_id (msg_id, from_id, to_id, type, body, digest, status, time_ms, recalled, to_seq, from_seq)
    SELECT m.msg_id, m.from_id, m.to_id, m.type, m.body, m.digest, m.status, m.time_ms, m.recalled,
      (SELECT t.seq FROM user_timeline t WHERE t.user_id = m.to_id AND t.msg_id = m.msg_id),
      (SELECT t.seq FROM user_timeline t WHERE t.user_id = m.from_id AND t.msg_id = m.msg_id AND m.from_id != m.to_id)
    FROM messages m ORDER BY m.msg_id;
  DROP TABLE messages;
  ALTER TABLE messages_by_id RENAME TO messages;
  CREATE INDEX messages_by_time ON messages (time_ms);
  DROP INDEX user_timeline_by_msg;
  `;
