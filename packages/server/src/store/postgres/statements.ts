import type { Contact } from '@parley/protocol';
import { MAX_UNREAD } from '../groups.js';
import type { Notice, User } from '../store.js';
import { adminStatements } from './admin-statements.js';
import { groupStatements } from './group-statements.js';
import type { EntryRow, FriendRequestRow, MessageRow } from './rows.js';
import { type Db, type Stmt, stmt } from './stmt.js';

export type { Db, Stmt };

const MESSAGE_COLUMNS = 'msg_id, from_id, to_id, type, body, digest, status, time_ms, recalled';
const M_COLUMNS = MESSAGE_COLUMNS.replaceAll(/(\w+)/g, 'm.$1');
const ENTRY_COLUMNS = `t.seq, ${M_COLUMNS}`;

/** Every statement the PostgreSQL store runs (unqualified names: the pool's search_path picks the schema). */
const statements = {
  /**
   * Locks the rows of the users a batch touches, in id order: batches that share a user run one
   * after the other, and two batches never wait on each other in opposite orders.
   */
  lockUsers: stmt<[string[]], { id: string }>(
    'SELECT id FROM users WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
  ),

  // ids and reservations
  reserveIds: stmt<[number, string, number], { msg_id: number }>(
    `INSERT INTO reservations (msg_id, user_id, reserved_ms)
     SELECT nextval('msg_ids'), $2, $3 FROM generate_series(1, $1) RETURNING msg_id`,
  ),
  /** The next id the sequence would hand out. */
  nextIdValue: stmt<[], { value: number }>(
    'SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END AS value FROM msg_ids',
  ),
  giveBackReservation: stmt<[number, string, number]>(
    'INSERT INTO reservations (msg_id, user_id, reserved_ms) VALUES ($1, $2, $3)',
  ),
  /** Takes the sender's reservation of an id; also says whether the recipient `$3` exists (one round trip). */
  takeReservation: stmt<
    [number, string, string],
    { reserved_ms: number; to_exists: boolean; blocked: boolean }
  >(
    `DELETE FROM reservations WHERE msg_id = $1 AND user_id = $2
     RETURNING reserved_ms, EXISTS (SELECT 1 FROM users WHERE id = $3) AS to_exists,
       EXISTS (SELECT 1 FROM blocks WHERE user_id = $3 AND blocked_id = $2) AS blocked`,
  ),
  /**
   * `reserve` in one statement (`batch-writes.ts`): drops the user's expired reservations, counts
   * the others, and draws `$4` ids only when the user then holds at most `$5` (`ok`). The user's row
   * is locked for the batch, so no other reserve of the user comes between the count and the insert.
   * A BIGINT array comes as strings.
   */
  reserveAtOnce: stmt<[string, number, number, number, number], { ok: boolean; ids: string[] }>(
    `WITH d AS (DELETE FROM reservations WHERE user_id = $1 AND reserved_ms < $2),
          h AS (SELECT COUNT(*) + $4 <= $5 AS ok FROM reservations WHERE user_id = $1 AND reserved_ms >= $2),
          i AS (INSERT INTO reservations (msg_id, user_id, reserved_ms)
                SELECT nextval('msg_ids'), $1, $3 FROM generate_series(1, $4) WHERE (SELECT ok FROM h)
                RETURNING msg_id)
     SELECT (SELECT ok FROM h) AS ok, ARRAY(SELECT msg_id FROM i) AS ids`,
  ),
  isReserved: stmt<[number], { one: number }>('SELECT 1 AS one FROM reservations WHERE msg_id = $1'),
  dropExpiredReservationsOf: stmt<[string, number]>(
    'DELETE FROM reservations WHERE user_id = $1 AND reserved_ms < $2',
  ),
  reservationCount: stmt<[string], { n: number }>(
    'SELECT COUNT(*) AS n FROM reservations WHERE user_id = $1',
  ),
  /**
   * Skips rows another transaction holds (an append taking them): a sweep never waits or deadlocks.
   * `= ANY(ARRAY(...))` keeps the delete an index lookup in a generic plan too (an `IN` subquery
   * there became a hash join over the whole table).
   */
  purgeReservations: stmt<[number, number]>(
    `DELETE FROM reservations WHERE msg_id = ANY (ARRAY(
       SELECT msg_id FROM reservations WHERE reserved_ms < $1 ORDER BY reserved_ms LIMIT $2
       FOR UPDATE SKIP LOCKED))`,
  ),

  // messages and timelines
  messageById: stmt<[number], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE msg_id = $1`),
  userExists: stmt<[string], { one: number }>('SELECT 1 AS one FROM users WHERE id = $1'),
  /** One more pending message for the user, unless it has `max` already (no row then). */
  countPending: stmt<[string, number], { n: number }>(
    `INSERT INTO pending_counts AS c (user_id, n) VALUES ($1, 1)
     ON CONFLICT (user_id) DO UPDATE SET n = c.n + 1 WHERE c.n < $2 RETURNING n`,
  ),
  /**
   * Stores a message: positions in both timelines (the users' rows are locked, so each is the next
   * one in commit order), the message, its timeline entries, its pending row, and the conversation
   * rows of both (the last message; one more unread for the recipient). A note to oneself is one
   * entry and one row, with nothing unread. Returns the recipient's position and the sender's.
   */
  storeMessage: stmt<
    [number, string, string, number, string, string, number],
    { seq: number; sender_seq: number }
  >(
    `WITH r AS (UPDATE users SET seq_head = seq_head + 1 WHERE id = $3 RETURNING seq_head AS seq),
          s AS (UPDATE users SET seq_head = seq_head + 1 WHERE id = $2 AND $2 <> $3 RETURNING seq_head AS seq),
          m AS (INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms)
                VALUES ($1, $2, $3, $4, $5, $6, 1, $7)),
          e AS (INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming)
                SELECT $3, r.seq, $1, $2, TRUE FROM r
                UNION ALL SELECT $2, s.seq, $1, $3, FALSE FROM s),
          p AS (INSERT INTO pending (user_id, seq, msg_id, time_ms) SELECT $3, r.seq, $1, $7 FROM r),
          c AS (INSERT INTO conversations AS c (user_id, conv_id, last_ms, last_msg_id, unread)
                SELECT $3, $2, $7, $1, CASE WHEN $2 = $3 THEN 0 ELSE 1 END FROM r
                UNION ALL SELECT $2, $3, $7, $1, 0 FROM s
                ON CONFLICT (user_id, conv_id) DO UPDATE SET last_ms = excluded.last_ms,
                  last_msg_id = excluded.last_msg_id, unread = LEAST(c.unread + excluded.unread, ${MAX_UNREAD}))
     SELECT r.seq, COALESCE((SELECT s.seq FROM s), r.seq) AS sender_seq FROM r`,
  ),
  /**
   * A run of appends, set-based (`batch-writes.ts`): takes the senders' reservations of the run's
   * ids (distinct within a run), and says per op, in op order (`i` from 1), when the id was reserved
   * (null: not reserved for that sender), whether the recipient exists and how many messages are
   * pending for it now (null: no row yet). The users' rows are locked, so the counts are stable.
   */
  takeReservations: stmt<
    [number[], string[], string[]],
    { i: number; reserved_ms: number | null; to_exists: boolean; blocked: boolean; pending: number | null }
  >(
    `WITH c AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY AS c(msg_id, from_id, to_id, i)),
          d AS (DELETE FROM reservations r USING c WHERE r.msg_id = c.msg_id AND r.user_id = c.from_id
                RETURNING r.msg_id, r.reserved_ms)
     SELECT c.i, d.reserved_ms, EXISTS (SELECT 1 FROM users u WHERE u.id = c.to_id) AS to_exists,
            EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = c.to_id AND b.blocked_id = c.from_id) AS blocked,
            (SELECT p.n FROM pending_counts p WHERE p.user_id = c.to_id) AS pending
     FROM c LEFT JOIN d ON d.msg_id = c.msg_id ORDER BY c.i`,
  ),
  /**
   * Stores the messages of a run of appends at once, as `storeMessage` would one after the other:
   * each user's head is raised once by the number of its entries in the run, and its entries are
   * numbered from the old head in op order (`i`), so every timeline stays gap-free and in op order.
   * A note to oneself is one entry; a sender that is not a user gets none. Raises pending_counts by
   * the messages per recipient (the caller checked the caps). Each timeline entry also touches its
   * user's conversation row once per peer: the run's last message with that peer, and as many more
   * unread as the entries received from it (as `storeMessage` one after the other). Returns each
   * message's recipient and sender positions, in op order.
   */
  storeMessages: stmt<
    [number[], string[], string[], number[], string[], string[], number[]],
    { i: number; seq: number; sender_seq: number }
  >(
    `WITH m AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::smallint[], $5::text[], $6::text[], $7::bigint[])
                WITH ORDINALITY AS m(msg_id, from_id, to_id, type, body, digest, time_ms, i)),
          e AS (SELECT m.to_id AS user_id, m.msg_id, m.from_id AS peer_id, TRUE AS incoming, m.i FROM m
                UNION ALL SELECT m.from_id, m.msg_id, m.to_id, FALSE, m.i FROM m WHERE m.from_id <> m.to_id),
          k AS (SELECT e.user_id, COUNT(*) AS n FROM e GROUP BY e.user_id),
          h AS (UPDATE users u SET seq_head = u.seq_head + k.n FROM k WHERE u.id = k.user_id
                RETURNING u.id, u.seq_head - k.n AS base),
          s AS (SELECT e.user_id, e.msg_id, e.peer_id, e.incoming, e.i,
                       h.base + row_number() OVER (PARTITION BY e.user_id ORDER BY e.i) AS seq
                FROM e JOIN h ON h.id = e.user_id),
          im AS (INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms)
                 SELECT m.msg_id, m.from_id, m.to_id, m.type, m.body, m.digest, 1, m.time_ms FROM m),
          it AS (INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming)
                 SELECT s.user_id, s.seq, s.msg_id, s.peer_id, s.incoming FROM s),
          ip AS (INSERT INTO pending (user_id, seq, msg_id, time_ms)
                 SELECT s.user_id, s.seq, s.msg_id, m.time_ms FROM s JOIN m ON m.i = s.i WHERE s.incoming),
          pc AS (INSERT INTO pending_counts AS c (user_id, n) SELECT m.to_id, COUNT(*) FROM m GROUP BY m.to_id
                 ON CONFLICT (user_id) DO UPDATE SET n = c.n + excluded.n),
          cv AS (INSERT INTO conversations AS c (user_id, conv_id, last_ms, last_msg_id, unread)
                 SELECT DISTINCT ON (s.user_id, s.peer_id) s.user_id, s.peer_id, m.time_ms, m.msg_id,
                        LEAST(COUNT(*) FILTER (WHERE s.incoming AND s.user_id <> s.peer_id)
                          OVER (PARTITION BY s.user_id, s.peer_id), ${MAX_UNREAD})
                 FROM s JOIN m ON m.i = s.i ORDER BY s.user_id, s.peer_id, s.i DESC
                 ON CONFLICT (user_id, conv_id) DO UPDATE SET last_ms = excluded.last_ms,
                   last_msg_id = excluded.last_msg_id, unread = LEAST(c.unread + excluded.unread, ${MAX_UNREAD}))
     SELECT s.i, MAX(s.seq) FILTER (WHERE s.incoming) AS seq,
            COALESCE(MAX(s.seq) FILTER (WHERE NOT s.incoming), MAX(s.seq)) AS sender_seq
     FROM s GROUP BY s.i ORDER BY s.i`,
  ),
  /**
   * A run of confirms at once: per op, in op order, whether the user received the message; the
   * pending rows of those found go (once each, however often the run names them; the trigger lowers
   * pending_counts).
   */
  confirmMany: stmt<[string[], number[]], { i: number; found: boolean }>(
    `WITH c AS (SELECT * FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS c(user_id, msg_id, i)),
          f AS (SELECT c.i, t.user_id, t.seq FROM c
                LEFT JOIN user_timeline t ON t.user_id = c.user_id AND t.msg_id = c.msg_id AND t.incoming),
          d AS (DELETE FROM pending p USING f WHERE p.user_id = f.user_id AND p.seq = f.seq)
     SELECT f.i, f.seq IS NOT NULL AS found FROM f ORDER BY f.i`,
  ),
  entrySeq: stmt<[string, number], { seq: number; incoming: boolean }>(
    'SELECT seq, incoming FROM user_timeline WHERE user_id = $1 AND msg_id = $2',
  ),
  deletePendingThrough: stmt<[string, number]>('DELETE FROM pending WHERE user_id = $1 AND seq <= $2'),
  deletePending: stmt<[string, number]>('DELETE FROM pending WHERE user_id = $1 AND seq = $2'),
  /**
   * The reader read up to `$1` of its timeline in the conversation with the peer `$3` (notes to
   * oneself are never unread; counted up to MAX_UNREAD).
   */
  readUserConversation: stmt<[number, string, string]>(
    `UPDATE conversations SET read_seq = $1, unread = (SELECT COUNT(*) FROM (SELECT FROM user_timeline t
       WHERE t.user_id = $2 AND t.peer_id = $3 AND t.incoming AND t.seq > $1 AND t.peer_id <> t.user_id
       ORDER BY t.seq LIMIT ${MAX_UNREAD}) x)
     WHERE user_id = $2 AND conv_id = $3 AND read_seq < $1`,
  ),
  markRead: stmt<[number]>('UPDATE messages SET status = 2 WHERE msg_id = $1 AND status < 2'),
  /** Empties a message's body and marks it recalled, with the digest it keeps (`digestWithoutBody`). */
  setMessageRecalled: stmt<[string, number]>(
    "UPDATE messages SET body = '', digest = $1, recalled = TRUE WHERE msg_id = $2 AND NOT recalled",
  ),
  insertNotice: stmt<[string, string], { id: number }>(
    'INSERT INTO notices (user_id, frame) VALUES ($1, $2) RETURNING id',
  ),
  noticeDone: stmt<[number, string]>('UPDATE notices SET done = TRUE WHERE id = $1 AND user_id = $2'),
  /** Skips rows another transaction holds, like the reservation sweep. */
  purgeNotices: stmt<[number, number]>(
    `DELETE FROM notices WHERE id = ANY (ARRAY(
       SELECT id FROM notices WHERE done AND time_ms < $1 ORDER BY time_ms LIMIT $2 FOR UPDATE SKIP LOCKED))`,
  ),

  // users and contacts
  getUser: stmt<[string], User>('SELECT id, name FROM users WHERE id = $1'),
  ensureUser: stmt<[string, number], User>(
    `WITH i AS (INSERT INTO users (id, name, created_ms) VALUES ($1, $1, $2)
                ON CONFLICT (id) DO NOTHING RETURNING id, name)
     SELECT id, name FROM i UNION ALL SELECT id, name FROM users WHERE id = $1`,
  ),
  upsertUser: stmt<[string, string, number]>(
    `INSERT INTO users (id, name, created_ms) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
  ),
  listUsers: stmt<[string, number], User>('SELECT id, name FROM users WHERE id > $1 ORDER BY id LIMIT $2'),
  /** The ids among `$1` that are users. */
  existingUsers: stmt<[string[]], { id: string }>('SELECT id FROM users WHERE id = ANY($1::text[])'),
  clearContacts: stmt<[string]>('DELETE FROM contacts WHERE user_id = $1'),
  /** Appends contacts in the order given, positions from the sequence; present ones keep theirs. */
  addContacts: stmt<[string, string[]]>(
    `INSERT INTO contacts (user_id, contact_id, position)
     SELECT $1, c.id, nextval('contact_positions') FROM unnest($2::text[]) WITH ORDINALITY AS c(id, i)
     ORDER BY c.i
     ON CONFLICT (user_id, contact_id) DO NOTHING`,
  ),
  contacts: stmt<[string], Contact>(
    `SELECT c.contact_id AS "toId", u.name AS "toName" FROM contacts c JOIN users u ON u.id = c.contact_id
     WHERE c.user_id = $1 ORDER BY c.position`,
  ),
  block: stmt<[string, string, number]>(
    'INSERT INTO blocks (user_id, blocked_id, time_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
  ),
  unblock: stmt<[string, string]>('DELETE FROM blocks WHERE user_id = $1 AND blocked_id = $2'),
  isBlocked: stmt<[string, string], { one: number }>(
    'SELECT 1 AS one FROM blocks WHERE user_id = $1 AND blocked_id = $2',
  ),
  blockedUsers: stmt<[string], { blocked_id: string }>(
    'SELECT blocked_id FROM blocks WHERE user_id = $1 ORDER BY time_ms, blocked_id',
  ),
  isContact: stmt<[string, string], { one: number }>(
    'SELECT 1 AS one FROM contacts WHERE user_id = $1 AND contact_id = $2',
  ),
  removeContact: stmt<[string, string]>('DELETE FROM contacts WHERE user_id = $1 AND contact_id = $2'),

  // friend requests
  friendRequest: stmt<[string, string], FriendRequestRow>(
    `SELECT from_id, to_id, message, time_ms, status, answered_ms FROM friend_requests
     WHERE from_id = $1 AND to_id = $2`,
  ),
  upsertFriendRequest: stmt<[string, string, string, number]>(
    `INSERT INTO friend_requests (from_id, to_id, message, time_ms, status) VALUES ($1, $2, $3, $4, 0)
     ON CONFLICT (from_id, to_id) DO UPDATE SET message = excluded.message, time_ms = excluded.time_ms, status = 0`,
  ),
  answerFriendRequest: stmt<[number, number, string, string]>(
    'UPDATE friend_requests SET status = $1, answered_ms = $2 WHERE from_id = $3 AND to_id = $4',
  ),
  pendingFriendRequestCount: stmt<[string], { n: number }>(
    'SELECT COUNT(*) AS n FROM friend_requests WHERE from_id = $1 AND status = 0',
  ),

  // upload quota
  chargeUpload: stmt<[string, number, number, number]>(
    `INSERT INTO upload_usage AS u (owner, day, bytes) VALUES ($1, $2, $3)
     ON CONFLICT (owner, day) DO UPDATE SET bytes = u.bytes + excluded.bytes
     WHERE u.bytes + excluded.bytes <= $4`,
  ),
  refundUpload: stmt<[number, string, number]>(
    'UPDATE upload_usage SET bytes = GREATEST(0, bytes - $1) WHERE owner = $2 AND day = $3',
  ),
  dropUploadDaysBefore: stmt<[string, number]>('DELETE FROM upload_usage WHERE owner = $1 AND day < $2'),

  // reads
  historyAll: stmt<[string, number, number], EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM user_timeline t JOIN messages m ON m.msg_id = t.msg_id
     WHERE t.user_id = $1 AND t.seq < $2 ORDER BY t.seq DESC LIMIT $3`,
  ),
  historyWith: stmt<[string, string, number, number], EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM user_timeline t JOIN messages m ON m.msg_id = t.msg_id
     WHERE t.user_id = $1 AND t.peer_id = $2 AND t.seq < $3 ORDER BY t.seq DESC LIMIT $4`,
  ),
  /** Newest first: the caller reverses the page. */
  inboxSince: stmt<[string, number, number], EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM user_timeline t JOIN messages m ON m.msg_id = t.msg_id
     WHERE t.user_id = $1 AND t.seq > $2 ORDER BY t.seq DESC LIMIT $3`,
  ),
  receivedBetween: stmt<[string, number, number, number], EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM user_timeline t JOIN messages m ON m.msg_id = t.msg_id
     WHERE t.user_id = $1 AND t.seq > $2 AND t.seq < $3 ORDER BY t.seq LIMIT $4`,
  ),
  seqHead: stmt<[string], { seq: number }>('SELECT seq_head AS seq FROM users WHERE id = $1'),
  pendingMessages: stmt<[string, number, number], EntryRow>(
    `SELECT p.seq, ${M_COLUMNS} FROM pending p JOIN messages m ON m.msg_id = p.msg_id
     WHERE p.user_id = $1 AND p.seq > $2 ORDER BY p.seq LIMIT $3`,
  ),
  pendingNotices: stmt<[string, number, number], Notice>(
    'SELECT id, frame FROM notices WHERE user_id = $1 AND id > $2 AND NOT done ORDER BY id LIMIT $3',
  ),
  /** Newest first: the caller reverses the page. */
  noticesSince: stmt<[string, number, number], Notice>(
    'SELECT id, frame FROM notices WHERE user_id = $1 AND id > $2 ORDER BY id DESC LIMIT $3',
  ),

  ...groupStatements,
  ...adminStatements,
};

for (const [key, s] of Object.entries(statements)) (s as { name: string }).name = `parley_${key}`;

export const SQL: Readonly<typeof statements> = statements;
export type Statements = typeof statements;
