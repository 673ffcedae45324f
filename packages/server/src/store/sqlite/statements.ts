import type { Contact } from '@parley/protocol';
import type Database from 'better-sqlite3';
import type { Notice, User } from '../store.js';
import { prepareAdminStatements } from './admin-statements.js';
import { prepareChainStatements } from './chain-statements.js';
import { prepareGroupStatements } from './group-statements.js';
import { prepareHeldStatements } from './held-statements.js';
import { prep } from './prep.js';

export interface MessageRow {
  msg_id: number;
  from_id: string;
  to_id: string;
  type: number;
  body: string;
  digest: string;
  status: number;
  time_ms: number;
  recalled: number;
}

export interface FriendRequestRow {
  from_id: string;
  to_id: string;
  message: string;
  time_ms: number;
  status: number;
  answered_ms: number;
}

/** Ids reserved for a user: `size` ids from `first_id`, bit i of `taken` set once `first_id + i` is used. */
export interface RangeRow {
  first_id: number;
  user_id: string;
  size: number;
  taken: number;
  unused: number;
  reserved_ms: number;
}

/** A user's timeline entry of a message: its position, whether received, its conversation and link. */
export interface TimelineLinkRow {
  seq: number;
  incoming: number;
  peer_id: string;
  /** The user's previous entry with the same peer (conversation-chain.ts). */
  prev_seq: number;
}

/** A message as a user's timeline has it: with the user's position. */
export interface EntryRow extends MessageRow {
  seq: number;
}

const MESSAGE_COLUMNS = 'msg_id, from_id, to_id, type, body, digest, status, time_ms, recalled';
const M_COLUMNS = MESSAGE_COLUMNS.replaceAll(/(\w+)/g, 'm.$1');
const ENTRY_COLUMNS = `t.seq, ${M_COLUMNS}`;

/** Every statement the SQLite store runs, prepared once. */
export function prepareStatements(db: Database.Database) {
  return {
    nextId: prep<[number], { value: number }>(
      db,
      `UPDATE meta SET value = value + ? WHERE key = 'next_msg_id' RETURNING value`,
    ),
    nextIdValue: prep<[], { value: number }>(db, "SELECT value FROM meta WHERE key = 'next_msg_id'"),
    /** Ids from `?2` on are handed out at `?1` (id-clock.ts); one row per time. */
    recordIdClock: prep<[number, number]>(
      db,
      'INSERT OR IGNORE INTO id_clock (time_ms, next_id) VALUES (?, ?)',
    ),
    /** An id range reserved for a user: first id, user, size, taken, unused, time. */
    insertRange: prep<[number, string, number, number, number, number]>(
      db,
      'INSERT INTO id_ranges (first_id, user_id, size, taken, unused, reserved_ms) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    /** The range that would hold the id: the one starting at or below it (whether it reaches it is the caller's check). */
    rangeAt: prep<[number], RangeRow>(
      db,
      'SELECT first_id, user_id, size, taken, unused, reserved_ms FROM id_ranges WHERE first_id <= ? ORDER BY first_id DESC LIMIT 1',
    ),
    /** One more id of the range is used: its bits taken and what is left unused. */
    takeFromRange: prep<[number, number, number]>(
      db,
      'UPDATE id_ranges SET taken = ?, unused = ? WHERE first_id = ?',
    ),
    dropRange: prep<[number]>(db, 'DELETE FROM id_ranges WHERE first_id = ?'),
    dropExpiredRangesOf: prep<[string, number]>(
      db,
      'DELETE FROM id_ranges WHERE user_id = ? AND reserved_ms < ?',
    ),
    /** How many range rows the user has: read from `id_ranges_by_user` alone. */
    rangeCountOf: prep<[string], { n: number }>(db, 'SELECT COUNT(*) AS n FROM id_ranges WHERE user_id = ?'),
    unusedIdsOf: prep<[string], { n: number }>(
      db,
      'SELECT COALESCE(SUM(unused), 0) AS n FROM id_ranges WHERE user_id = ?',
    ),
    /** Drops at most `?2` ranges reserved before `?1`, oldest first; returns the ids they left unused. */
    purgeRanges: prep<[number, number], { unused: number }>(
      db,
      `DELETE FROM id_ranges WHERE first_id IN
         (SELECT first_id FROM id_ranges WHERE reserved_ms < ? ORDER BY reserved_ms LIMIT ?)
       RETURNING unused`,
    ),
    messageById: prep<[number], MessageRow>(db, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE msg_id = ?`),
    /**
     * A message: id, from, to, type, body, digest, time, then its positions (recipient, sender) and
     * the links of its entries there (entry-links-schema.ts); all four null for a group.
     */
    insertMessage: prep<
      [
        number,
        string,
        string,
        number,
        string,
        string,
        number,
        number | null,
        number | null,
        number | null,
        number | null,
      ]
    >(
      db,
      `INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms, to_seq, from_seq, to_prev, from_prev)
       VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
    ),
    /** How many messages are pending for the user (loaded once by the writer, see user-facts.ts). */
    pendingCount: prep<[string], { n: number }>(db, 'SELECT COUNT(*) AS n FROM pending WHERE user_id = ?'),
    /** A timeline entry: user, position, message, peer, incoming, the user's previous position with the peer (0: none). */
    insertEntry: prep<[string, number, number, string, number, number]>(
      db,
      'INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming, prev_seq) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    /**
     * The user's timeline entry of a message, at the position the message row gives for the user,
     * if the entry there still holds it (the user may have been deleted since, and its id reused).
     * Parameters: user, user, user, message, message.
     */
    entrySeq: prep<[string, string, string, number, number], TimelineLinkRow>(
      db,
      `SELECT seq, incoming, peer_id, prev_seq FROM user_timeline WHERE user_id = ? AND seq =
         (SELECT CASE WHEN to_id = ? THEN to_seq WHEN from_id = ? THEN from_seq END FROM messages WHERE msg_id = ?)
       AND msg_id = ?`,
    ),
    insertPending: prep<[string, number, number, number]>(
      db,
      'INSERT OR IGNORE INTO pending (user_id, seq, msg_id, time_ms) VALUES (?, ?, ?, ?)',
    ),
    deletePendingThrough: prep<[string, number]>(db, 'DELETE FROM pending WHERE user_id = ? AND seq <= ?'),
    deletePending: prep<[string, number]>(db, 'DELETE FROM pending WHERE user_id = ? AND seq = ?'),
    /**
     * A confirmation: the pending row of the message the user received, at the recipient's
     * position the message row gives, if the row there is of that message. Parameters: user,
     * message, user, message.
     */
    confirmPending: prep<[string, number, string, number]>(
      db,
      `DELETE FROM pending WHERE user_id = ? AND seq = (SELECT to_seq FROM messages WHERE msg_id = ? AND to_id = ?)
       AND msg_id = ?`,
    ),
    markRead: prep<[number]>(db, 'UPDATE messages SET status = 2 WHERE msg_id = ? AND status < 2'),
    insertNotice: prep<[string, string]>(db, 'INSERT INTO notices (user_id, frame) VALUES (?, ?)'),
    noticeDone: prep<[number, string]>(db, 'UPDATE notices SET done = 1 WHERE id = ? AND user_id = ?'),
    purgeNotices: prep<[number, number]>(
      db,
      `DELETE FROM notices WHERE id IN
         (SELECT id FROM notices WHERE done = 1 AND time_ms < ? ORDER BY time_ms LIMIT ?)`,
    ),
    /** Newest first: the caller reverses the page. */
    noticesSince: prep<[string, number, number], Notice>(
      db,
      'SELECT id, frame FROM notices WHERE user_id = ? AND id > ? ORDER BY id DESC LIMIT ?',
    ),
    userExists: prep<[string], { one: number }>(db, 'SELECT 1 AS one FROM users WHERE id = ?'),
    getUser: prep<[string], User>(db, 'SELECT id, name FROM users WHERE id = ?'),
    insertUserIfMissing: prep<[string, string, number]>(
      db,
      'INSERT INTO users (id, name, created_ms) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
    ),
    upsertUser: prep<[string, string, number]>(
      db,
      'INSERT INTO users (id, name, created_ms) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
    ),
    listUsers: prep<[string, number], User>(
      db,
      'SELECT id, name FROM users WHERE id > ? ORDER BY id LIMIT ?',
    ),
    clearContacts: prep<[string]>(db, 'DELETE FROM contacts WHERE user_id = ?'),
    insertContact: prep<[string, string, number]>(
      db,
      'INSERT OR IGNORE INTO contacts (user_id, contact_id, position) VALUES (?, ?, ?)',
    ),
    contacts: prep<[string], Contact>(
      db,
      `SELECT c.contact_id AS toId, u.name AS toName FROM contacts c JOIN users u ON u.id = c.contact_id
       WHERE c.user_id = ? ORDER BY c.position`,
    ),
    historyAll: prep<[string, number, number], EntryRow>(
      db,
      `SELECT ${ENTRY_COLUMNS} FROM user_timeline t JOIN messages m ON m.msg_id = t.msg_id
       WHERE t.user_id = ? AND t.seq < ? ORDER BY t.seq DESC LIMIT ?`,
    ),
    /** Newest first: the caller reverses the page. */
    inboxSince: prep<[string, number, number], EntryRow>(
      db,
      `SELECT ${ENTRY_COLUMNS} FROM user_timeline t JOIN messages m ON m.msg_id = t.msg_id
       WHERE t.user_id = ? AND t.seq > ? ORDER BY t.seq DESC LIMIT ?`,
    ),
    receivedBetween: prep<[string, number, number, number], EntryRow>(
      db,
      `SELECT ${ENTRY_COLUMNS} FROM user_timeline t JOIN messages m ON m.msg_id = t.msg_id
       WHERE t.user_id = ? AND t.seq > ? AND t.seq < ? ORDER BY t.seq LIMIT ?`,
    ),
    /**
     * The last position of a user's timeline (no row: no such user). The writer does not raise
     * `seq_head` per message: it is a floor, settled before timeline entries are deleted, and the
     * head is the larger of it and the last entry. Parameters: user, user.
     */
    seqHead: prep<[string, string], { seq: number }>(
      db,
      `SELECT MAX(seq_head, COALESCE((SELECT MAX(seq) FROM user_timeline WHERE user_id = ?), 0)) AS seq
       FROM users WHERE id = ?`,
    ),
    /** Before timeline entries of the user are deleted: `seq_head` up to the head. Parameters: user, user. */
    settleSeqHead: prep<[string, string]>(
      db,
      `UPDATE users SET seq_head = MAX(seq_head, COALESCE((SELECT MAX(seq) FROM user_timeline WHERE user_id = ?), 0))
       WHERE id = ?`,
    ),
    pendingMessages: prep<[string, number, number], EntryRow>(
      db,
      `SELECT p.seq, ${M_COLUMNS} FROM pending p JOIN messages m ON m.msg_id = p.msg_id
       WHERE p.user_id = ? AND p.seq > ? ORDER BY p.seq LIMIT ?`,
    ),
    pendingNotices: prep<[string, number, number], Notice>(
      db,
      'SELECT id, frame FROM notices WHERE user_id = ? AND id > ? AND done = 0 ORDER BY id LIMIT ?',
    ),
    /** Empties a message's body and marks it recalled, with the digest it keeps (`digestWithoutBody`). */
    setMessageRecalled: prep<[string, number]>(
      db,
      "UPDATE messages SET body = '', digest = ?, recalled = 1 WHERE msg_id = ? AND recalled = 0",
    ),
    friendRequest: prep<[string, string], FriendRequestRow>(
      db,
      'SELECT from_id, to_id, message, time_ms, status, answered_ms FROM friend_requests WHERE from_id = ? AND to_id = ?',
    ),
    upsertFriendRequest: prep<[string, string, string, number]>(
      db,
      `INSERT INTO friend_requests (from_id, to_id, message, time_ms, status) VALUES (?, ?, ?, ?, 0)
       ON CONFLICT (from_id, to_id) DO UPDATE SET message = excluded.message, time_ms = excluded.time_ms, status = 0`,
    ),
    answerFriendRequest: prep<[number, number, string, string]>(
      db,
      'UPDATE friend_requests SET status = ?, answered_ms = ? WHERE from_id = ? AND to_id = ?',
    ),
    pendingFriendRequestCount: prep<[string], { n: number }>(
      db,
      'SELECT COUNT(*) AS n FROM friend_requests WHERE from_id = ? AND status = 0',
    ),
    isContact: prep<[string, string], { one: number }>(
      db,
      'SELECT 1 AS one FROM contacts WHERE user_id = ? AND contact_id = ?',
    ),
    nextContactPositions: prep<[number], { value: number }>(
      db,
      `UPDATE meta SET value = value + ? WHERE key = 'next_contact_pos' RETURNING value`,
    ),
    chargeUpload: prep<[string, number, number, number]>(
      db,
      `INSERT INTO upload_usage (owner, day, bytes) VALUES (?, ?, ?)
       ON CONFLICT (owner, day) DO UPDATE SET bytes = bytes + excluded.bytes WHERE bytes + excluded.bytes <= ?`,
    ),
    refundUpload: prep<[number, string, number]>(
      db,
      'UPDATE upload_usage SET bytes = MAX(0, bytes - ?) WHERE owner = ? AND day = ?',
    ),
    dropUploadDaysBefore: prep<[string, number]>(db, 'DELETE FROM upload_usage WHERE owner = ? AND day < ?'),
    removeContact: prep<[string, string]>(db, 'DELETE FROM contacts WHERE user_id = ? AND contact_id = ?'),
    block: prep<[string, string, number]>(
      db,
      'INSERT INTO blocks (user_id, blocked_id, time_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    unblock: prep<[string, string]>(db, 'DELETE FROM blocks WHERE user_id = ? AND blocked_id = ?'),
    /** Whom the user blocked (loaded once by the writer, see user-facts.ts). */
    blocksOf: prep<[string], { blocked_id: string }>(db, 'SELECT blocked_id FROM blocks WHERE user_id = ?'),
    isBlocked: prep<[string, string], { one: number }>(
      db,
      'SELECT 1 AS one FROM blocks WHERE user_id = ? AND blocked_id = ?',
    ),
    blockedUsers: prep<[string], { blocked_id: string }>(
      db,
      'SELECT blocked_id FROM blocks WHERE user_id = ? ORDER BY time_ms, blocked_id',
    ),
    ...prepareGroupStatements(db),
    ...prepareChainStatements(db),
    ...prepareHeldStatements(db),
    ...prepareAdminStatements(db),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
