import { ADMIN_TABLES } from './admin-tables.js';
import { OUTBOX_SENDER, OUTBOX_TABLES } from './outbox-tables.js';
import { ROOM_TABLES } from './room-tables.js';

/**
 * The PostgreSQL schema, versioned in the table `parley_schema` (one row per applied version).
 * Each entry migrates from the previous version; never edit an entry that has shipped, add one.
 *
 * Version 1 is the layout the SQLite store reaches after all of its migrations: users with their
 * timeline head, messages, per-user timelines, pending messages and their counts, notices,
 * reservations, friend requests, contacts, upload usage. Ids (message ids, contact positions) come
 * from sequences rather than a counter row, so drawing them never waits for another transaction.
 * User ids compare bytewise (`COLLATE "C"`), as in SQLite.
 *
 * Version 2 adds groups (their rows, members and timelines) and the conversation list, as SQLite's
 * version 8 does, and fills the list with the existing 1:1 conversations.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE SEQUENCE msg_ids START 1 CACHE 1;
  CREATE SEQUENCE contact_positions START 1 CACHE 1;

  CREATE TABLE users (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    -- the last position of the user's timeline; bumped (row-locked) in the storing transaction
    seq_head BIGINT NOT NULL DEFAULT 0
  );

  CREATE TABLE contacts (
    user_id TEXT COLLATE "C" NOT NULL,
    contact_id TEXT COLLATE "C" NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (user_id, contact_id)
  );
  CREATE INDEX contacts_by_position ON contacts (user_id, position);

  -- ids handed out by action 2 and not used yet; unused ones expire (RESERVATION_TTL_MS)
  CREATE TABLE reservations (
    msg_id BIGINT PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL,
    reserved_ms BIGINT NOT NULL
  );
  CREATE INDEX reservations_by_user ON reservations (user_id, reserved_ms);
  CREATE INDEX reservations_by_time ON reservations (reserved_ms);

  CREATE TABLE messages (
    msg_id BIGINT PRIMARY KEY,
    from_id TEXT COLLATE "C" NOT NULL,
    to_id TEXT COLLATE "C" NOT NULL,
    type SMALLINT NOT NULL,
    body TEXT NOT NULL,
    digest TEXT NOT NULL,
    status SMALLINT NOT NULL,
    time_ms BIGINT NOT NULL,
    recalled BOOLEAN NOT NULL DEFAULT FALSE
  );

  -- per-user timelines: seq is the user's own gap-free position; incoming marks what it received
  CREATE TABLE user_timeline (
    user_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    msg_id BIGINT NOT NULL,
    peer_id TEXT COLLATE "C" NOT NULL,
    incoming BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, seq)
  );
  CREATE UNIQUE INDEX user_timeline_by_msg ON user_timeline (user_id, msg_id);
  CREATE INDEX user_timeline_by_peer ON user_timeline (user_id, peer_id, seq);

  -- messages stored for a recipient and not yet confirmed by it
  CREATE TABLE pending (
    user_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    msg_id BIGINT NOT NULL,
    PRIMARY KEY (user_id, seq)
  );

  -- how many messages are pending per recipient (MAX_PENDING_MESSAGES): raised by append's
  -- conditional upsert, lowered by the trigger whenever a pending row goes
  CREATE TABLE pending_counts (user_id TEXT COLLATE "C" PRIMARY KEY, n INTEGER NOT NULL);
  CREATE FUNCTION parley_pending_gone() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE pending_counts SET n = n - 1 WHERE user_id = OLD.user_id;
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER pending_gone AFTER DELETE ON pending FOR EACH ROW EXECUTE FUNCTION parley_pending_gone();

  -- other frames waiting for a user (read receipts, ...), serialized
  CREATE TABLE notices (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL,
    frame TEXT NOT NULL
  );
  CREATE INDEX notices_by_user ON notices (user_id, id);

  -- friend requests; status 0 pending, 1 accepted, 2 rejected (at answered_ms)
  CREATE TABLE friend_requests (
    from_id TEXT COLLATE "C" NOT NULL,
    to_id TEXT COLLATE "C" NOT NULL,
    message TEXT NOT NULL,
    time_ms BIGINT NOT NULL,
    status SMALLINT NOT NULL,
    answered_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (from_id, to_id)
  );
  CREATE INDEX friend_requests_to ON friend_requests (to_id, status);

  -- bytes uploaded per owner (a user id, or "ip <address>" in open mode) and UTC day
  CREATE TABLE upload_usage (
    owner TEXT COLLATE "C" NOT NULL,
    day INTEGER NOT NULL,
    bytes BIGINT NOT NULL,
    PRIMARY KEY (owner, day)
  );
  `,
  `
  -- groups: a timeline of their own (seq_head, bumped under the group row's lock), members with
  -- their positions, entries stored once
  CREATE TABLE groups (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    owner_id TEXT COLLATE "C" NOT NULL,
    muted_all BOOLEAN NOT NULL DEFAULT FALSE,
    member_count INTEGER NOT NULL,
    seq_head BIGINT NOT NULL DEFAULT 0,
    created_ms BIGINT NOT NULL,
    dismissed BOOLEAN NOT NULL DEFAULT FALSE
  );
  -- role 0 owner, 1 admin, 2 member; left_seq set once the member left or was removed
  CREATE TABLE group_members (
    group_id TEXT COLLATE "C" NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL,
    role SMALLINT NOT NULL,
    joined_seq BIGINT NOT NULL,
    read_seq BIGINT NOT NULL,
    delivered_seq BIGINT NOT NULL,
    muted_until_ms BIGINT,
    left_seq BIGINT,
    PRIMARY KEY (group_id, user_id)
  );
  CREATE INDEX group_members_by_user ON group_members (user_id, group_id);
  -- kind 0 message, 1 recall of a message, 2 membership event (data: its JSON, kept as text:
  -- jsonb refuses the escaped NUL a name may hold)
  CREATE TABLE group_timeline (
    group_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    kind SMALLINT NOT NULL,
    msg_id BIGINT,
    actor_id TEXT COLLATE "C" NOT NULL,
    data TEXT,
    time_ms BIGINT NOT NULL,
    PRIMARY KEY (group_id, seq)
  );
  CREATE INDEX group_timeline_by_msg ON group_timeline (group_id, msg_id) WHERE msg_id IS NOT NULL;

  -- the conversation list: one row per user and peer or group, kept up to date by the writes;
  -- a page is a backward walk of conversations_by_activity
  CREATE TABLE conversations (
    user_id TEXT COLLATE "C" NOT NULL,
    conv_id TEXT COLLATE "C" NOT NULL,
    last_ms BIGINT NOT NULL,
    last_msg_id BIGINT,
    unread INTEGER NOT NULL DEFAULT 0,
    read_seq BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, conv_id)
  );
  CREATE INDEX conversations_by_activity ON conversations (user_id, last_ms, conv_id);
  -- existing 1:1 conversations: read up to the last message read, unread what came after (notes
  -- to oneself never are; counts stop at 999, MAX_UNREAD)
  INSERT INTO conversations (user_id, conv_id, last_ms, last_msg_id, unread, read_seq)
    SELECT c.user_id, c.peer_id, m.time_ms, m.msg_id,
           LEAST(999, (SELECT COUNT(*) FROM user_timeline t WHERE t.user_id = c.user_id AND t.peer_id = c.peer_id
              AND t.incoming AND t.seq > c.read_seq AND t.peer_id <> t.user_id)),
           c.read_seq
    FROM (SELECT t.user_id, t.peer_id, MAX(t.seq) AS last_seq,
                 COALESCE(MAX(t.seq) FILTER (WHERE t.incoming AND r.status = 2), 0) AS read_seq
          FROM user_timeline t JOIN messages r ON r.msg_id = t.msg_id GROUP BY t.user_id, t.peer_id) c
    JOIN user_timeline l ON l.user_id = c.user_id AND l.seq = c.last_seq
    JOIN messages m ON m.msg_id = l.msg_id;

  -- Locks the rows of the groups a batch touches, in id order (after the users' rows): FOR UPDATE
  -- where the batch writes the group or its rows, FOR SHARE where it only confirms deliveries, so
  -- confirmations of one group's members run side by side. One function, so that both strengths
  -- are taken in one ordered pass.
  CREATE FUNCTION parley_lock_groups(ids TEXT[], exclusive BOOLEAN[]) RETURNS void LANGUAGE plpgsql AS $$
  DECLARE
    g RECORD;
  BEGIN
    FOR g IN SELECT x.id, x.excl FROM unnest(ids, exclusive) AS x(id, excl) ORDER BY x.id COLLATE "C" LOOP
      IF g.excl THEN
        PERFORM 1 FROM groups WHERE id = g.id FOR UPDATE;
      ELSE
        PERFORM 1 FROM groups WHERE id = g.id FOR SHARE;
      END IF;
    END LOOP;
  END
  $$;
  `,
  ROOM_TABLES,
  `
  -- who blocked whom: messages, friend requests and transient frames from blocked_id are refused
  CREATE TABLE blocks (
    user_id TEXT COLLATE "C" NOT NULL,
    blocked_id TEXT COLLATE "C" NOT NULL,
    time_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, blocked_id)
  );
  `,
  `
  -- notices stay after their first delivery (done), for devices catching up with noticesSince,
  -- until NOTICE_RETENTION_MS after they were stored
  ALTER TABLE notices ADD COLUMN done BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN time_ms BIGINT NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
  CREATE INDEX notices_pending ON notices (user_id, id) WHERE NOT done;
  CREATE INDEX notices_done_by_time ON notices (time_ms) WHERE done;
  `,
  OUTBOX_TABLES,
  ADMIN_TABLES,
  OUTBOX_SENDER,
];
