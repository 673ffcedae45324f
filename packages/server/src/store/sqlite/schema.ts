import { ROOM_TABLES } from './room-schema.js';

/** The SQLite schema, versioned with `PRAGMA user_version`. Each entry migrates from the previous version. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO meta (key, value) VALUES ('next_msg_id', 1);

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE contacts (
    user_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (user_id, contact_id)
  ) WITHOUT ROWID;

  -- ids handed out by action 2 and not used yet
  CREATE TABLE reservations (msg_id INTEGER PRIMARY KEY, user_id TEXT NOT NULL);

  -- seq is the per-server order; conv is the unordered pair of participants
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    msg_id INTEGER NOT NULL UNIQUE,
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    conv TEXT NOT NULL,
    type INTEGER NOT NULL,
    body TEXT NOT NULL,
    digest TEXT NOT NULL,
    status INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    recalled INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX messages_by_conv ON messages (conv, seq);

  -- one row per participant and message: history across conversations in one index range
  CREATE TABLE timeline (user_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (user_id, seq)) WITHOUT ROWID;

  -- messages stored for a recipient and not yet confirmed by it
  CREATE TABLE pending_messages (user_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (user_id, seq)) WITHOUT ROWID;

  -- other frames waiting for a user (read receipts, ...), serialized
  CREATE TABLE notices (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, frame TEXT NOT NULL);
  CREATE INDEX notices_by_user ON notices (user_id, id);
  `,
  `
  -- friend requests; status 0 pending, 1 accepted, 2 rejected
  CREATE TABLE friend_requests (
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    message TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    status INTEGER NOT NULL,
    PRIMARY KEY (from_id, to_id)
  ) WITHOUT ROWID;
  CREATE INDEX friend_requests_to ON friend_requests (to_id, status);
  `,
  `
  -- when each id was reserved: unused reservations expire (RESERVATION_TTL_MS)
  ALTER TABLE reservations ADD COLUMN reserved_ms INTEGER NOT NULL DEFAULT 0;
  UPDATE reservations SET reserved_ms = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
  CREATE INDEX reservations_by_user ON reservations (user_id, reserved_ms);
  CREATE INDEX reservations_by_time ON reservations (reserved_ms);
  `,
  `
  -- how many messages are pending per recipient (MAX_PENDING_MESSAGES): raised by append's
  -- conditional upsert, lowered by the trigger whenever a pending row goes
  CREATE TABLE pending_counts (user_id TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO pending_counts (user_id, n) SELECT user_id, COUNT(*) FROM pending_messages GROUP BY user_id;
  CREATE TRIGGER pending_messages_gone AFTER DELETE ON pending_messages BEGIN
    UPDATE pending_counts SET n = n - 1 WHERE user_id = old.user_id;
  END;
  `,
  `
  -- when a friend request was answered: a rejection starts FRIEND_REQUEST_COOLDOWN_MS
  ALTER TABLE friend_requests ADD COLUMN answered_ms INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- bytes uploaded per owner (a user id, or "ip <address>" in open mode) and UTC day
  CREATE TABLE upload_usage (
    owner TEXT NOT NULL,
    day INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (owner, day)
  ) WITHOUT ROWID;
  `,
  `
  -- per-user timelines: seq is the user's own position, assigned in the storing transaction
  -- (gap-free from here on); incoming marks the messages the user received (deliveries, since, pending)
  ALTER TABLE users ADD COLUMN seq_head INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE user_timeline (
    user_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    msg_id INTEGER NOT NULL,
    peer_id TEXT NOT NULL,
    incoming INTEGER NOT NULL,
    PRIMARY KEY (user_id, seq)
  ) WITHOUT ROWID;
  -- existing messages keep their old server-wide number as their position in each timeline, so a
  -- device's \`since\` from before stays valid; new positions continue above each user's last one
  INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming)
    SELECT t.user_id, t.seq, m.msg_id,
           CASE WHEN m.from_id = t.user_id THEN m.to_id ELSE m.from_id END, m.to_id = t.user_id
    FROM timeline t JOIN messages m ON m.seq = t.seq;
  CREATE UNIQUE INDEX user_timeline_by_msg ON user_timeline (user_id, msg_id);
  CREATE INDEX user_timeline_by_peer ON user_timeline (user_id, peer_id, seq);
  UPDATE users SET seq_head = COALESCE((SELECT MAX(seq) FROM user_timeline WHERE user_id = users.id), 0);

  CREATE TABLE pending (user_id TEXT NOT NULL, seq INTEGER NOT NULL, msg_id INTEGER NOT NULL,
                        PRIMARY KEY (user_id, seq)) WITHOUT ROWID;
  INSERT INTO pending (user_id, seq, msg_id)
    SELECT p.user_id, u.seq, m.msg_id FROM pending_messages p JOIN messages m ON m.seq = p.seq
    JOIN user_timeline u ON u.user_id = p.user_id AND u.msg_id = m.msg_id;

  DROP TABLE timeline;
  DROP TABLE pending_messages; -- and its trigger
  CREATE TRIGGER pending_gone AFTER DELETE ON pending BEGIN
    UPDATE pending_counts SET n = n - 1 WHERE user_id = old.user_id;
  END;
  DROP INDEX messages_by_conv;

  -- contact order from a counter, not MAX(position) + 1
  INSERT INTO meta (key, value) VALUES ('next_contact_pos', (SELECT COALESCE(MAX(position), 0) + 1 FROM contacts));
  `,
  ROOM_TABLES,
];
