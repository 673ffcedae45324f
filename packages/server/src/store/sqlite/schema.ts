import { ADMIN_TABLES } from './admin-schema.js';
import { APPEND_ROWS_TABLES } from './append-rows-schema.js';
import { CONVERSATION_CHAINS } from './conversation-chain-schema.js';
import { ENTRY_LINKS } from './entry-links-schema.js';
import { ID_CLOCK } from './id-clock-schema.js';
import { MESSAGES_IN_STORE_ORDER } from './message-order-schema.js';
import { OUTBOX_SENDER, OUTBOX_TABLES } from './outbox-schema.js';
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
  `
  -- groups: a timeline of their own (seq_head), members with their positions, entries stored once
  CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    muted_all INTEGER NOT NULL DEFAULT 0,
    member_count INTEGER NOT NULL,
    seq_head INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    dismissed INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  -- role 0 owner, 1 admin, 2 member; left_seq set once the member left or was removed
  CREATE TABLE group_members (
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role INTEGER NOT NULL,
    joined_seq INTEGER NOT NULL,
    read_seq INTEGER NOT NULL,
    delivered_seq INTEGER NOT NULL,
    muted_until_ms INTEGER,
    left_seq INTEGER,
    PRIMARY KEY (group_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX group_members_by_user ON group_members (user_id, group_id);
  -- kind 0 message, 1 recall of a message, 2 membership event (data: its JSON)
  CREATE TABLE group_timeline (
    group_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    msg_id INTEGER,
    actor_id TEXT NOT NULL,
    data TEXT,
    time_ms INTEGER NOT NULL,
    PRIMARY KEY (group_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX group_timeline_by_msg ON group_timeline (group_id, msg_id) WHERE msg_id IS NOT NULL;

  -- the conversation list: one row per user and peer or group, kept up to date by the writes
  CREATE TABLE conversations (
    user_id TEXT NOT NULL,
    conv_id TEXT NOT NULL,
    last_ms INTEGER NOT NULL,
    last_msg_id INTEGER,
    unread INTEGER NOT NULL DEFAULT 0,
    read_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, conv_id)
  ) WITHOUT ROWID;
  CREATE INDEX conversations_by_activity ON conversations (user_id, last_ms, conv_id);
  -- existing 1:1 conversations: read up to the last message read, unread what came after
  INSERT INTO conversations (user_id, conv_id, last_ms, last_msg_id, unread, read_seq)
    SELECT c.user_id, c.peer_id, m.time_ms, m.msg_id, 0, c.read_seq
    FROM (SELECT t.user_id, t.peer_id, MAX(t.seq) AS last_seq,
                 COALESCE(MAX(CASE WHEN t.incoming = 1 AND r.status = 2 THEN t.seq END), 0) AS read_seq
          FROM user_timeline t JOIN messages r ON r.msg_id = t.msg_id GROUP BY t.user_id, t.peer_id) c
    JOIN user_timeline l ON l.user_id = c.user_id AND l.seq = c.last_seq
    JOIN messages m ON m.msg_id = l.msg_id;
  -- (notes to oneself are never unread; counts stop at 999, MAX_UNREAD)
  UPDATE conversations SET unread = MIN(999, (SELECT COUNT(*) FROM user_timeline t
    WHERE t.user_id = conversations.user_id AND t.peer_id = conversations.conv_id AND t.incoming = 1
      AND t.seq > conversations.read_seq AND t.peer_id != t.user_id));
  `,
  `
  -- who blocked whom: messages, friend requests and transient frames from blocked_id are refused
  CREATE TABLE blocks (
    user_id TEXT NOT NULL,
    blocked_id TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    PRIMARY KEY (user_id, blocked_id)
  ) WITHOUT ROWID;
  `,
  ROOM_TABLES,
  `
  -- notices stay after their first delivery (done), for devices catching up with noticesSince,
  -- until NOTICE_RETENTION_MS after they were stored
  ALTER TABLE notices ADD COLUMN done INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE notices ADD COLUMN time_ms INTEGER NOT NULL DEFAULT 0;
  UPDATE notices SET time_ms = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER);
  CREATE TRIGGER notices_stamped AFTER INSERT ON notices WHEN new.time_ms = 0 BEGIN
    UPDATE notices SET time_ms = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = new.id;
  END;
  CREATE INDEX notices_pending ON notices (user_id, id) WHERE done = 0;
  CREATE INDEX notices_done_by_time ON notices (time_ms) WHERE done = 1;
  `,
  OUTBOX_TABLES,
  ADMIN_TABLES,
  `
  -- the writer counts the messages pending per recipient in memory (a COUNT of the user's pending
  -- rows when first needed), so the counts table and its trigger go; users.seq_head is from here on
  -- a floor of the user's head, which is the larger of it and the last position in user_timeline
  DROP TRIGGER pending_gone;
  DROP TABLE pending_counts;
  `,
  APPEND_ROWS_TABLES,
  OUTBOX_SENDER,
  CONVERSATION_CHAINS,
  ENTRY_LINKS,
  ID_CLOCK,
  MESSAGES_IN_STORE_ORDER,
];
