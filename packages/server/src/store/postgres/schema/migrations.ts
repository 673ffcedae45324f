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
  ROOM_TABLES,
];
