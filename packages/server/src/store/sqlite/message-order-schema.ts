/**
 * Message rows in the order they are stored (one migration). Keyed by their id, a message went into
 * the page of the other ids reserved about when its own was, not at the end of the table: a sender
 * uses its ids a while after action 2 handed them out, and every sender holds its own. Most
 * commits then wrote several pages of `messages` and split pages in the middle of the table, and a
 * split there makes SQLite walk its whole page cache at the end of the commit (docs/benchmarks.md,
 * the sixteenth pass of issue 14). Now the rowid, in the order rows are inserted, is the key, and
 * the id has a unique index of its own (`messages_by_id`), whose entries are small: the same spread
 * of ids falls on an eighth of the pages (twenty-sixth pass).
 *
 * Nothing refers to the rowid (`stored`): every statement finds a message by its id, through the
 * index. The rows already stored are copied in the order of their ids.
 */
export const MESSAGES_IN_STORE_ORDER = `
  CREATE TABLE messages_in_store_order (
    stored INTEGER PRIMARY KEY,
    msg_id INTEGER NOT NULL,
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    type INTEGER NOT NULL,
    body TEXT NOT NULL,
    digest TEXT NOT NULL,
    status INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    recalled INTEGER NOT NULL DEFAULT 0,
    to_seq INTEGER,
    from_seq INTEGER,
    to_prev INTEGER,
    from_prev INTEGER
  );
  INSERT INTO messages_in_store_order
      (msg_id, from_id, to_id, type, body, digest, status, time_ms, recalled, to_seq, from_seq, to_prev, from_prev)
    SELECT msg_id, from_id, to_id, type, body, digest, status, time_ms, recalled, to_seq, from_seq, to_prev, from_prev
    FROM messages ORDER BY msg_id;
  DROP TABLE messages;
  ALTER TABLE messages_in_store_order RENAME TO messages;
  CREATE UNIQUE INDEX messages_by_id ON messages (msg_id);
  `;
