import type Database from 'better-sqlite3';
import { prep } from './prep.js';
import type { EntryRow } from './statements.js';

/** An entry of a 1:1 conversation with its link to the user's previous entry of it (0: none). */
export interface LinkRow {
  seq: number;
  prev_seq: number;
  incoming: number;
}

export interface LinkedEntryRow extends EntryRow {
  prev_seq: number;
}

/** Where a walk of a conversation's links starts, and how far it goes: at most `limit` entries above `floor`. */
export interface ChainParams {
  user: string;
  peer: string;
  start: number;
  floor: number;
  limit: number;
}

const M_COLUMNS = 'm.msg_id, m.from_id, m.to_id, m.type, m.body, m.digest, m.status, m.time_ms, m.recalled';

/**
 * The entries of the user's conversation with the peer from position `start` down, by their links.
 * The walk stops at an entry without a predecessor, at `floor`, after `limit` entries, or where a
 * link leads to an entry that is gone or of another conversation (the caller then scans,
 * `peerEntryBelow`). Links always point down (`prev_seq < seq`), which the walk checks too.
 * CROSS JOIN keeps the step a primary-key lookup from the previous entry: left to itself, SQLite may
 * scan the user's timeline above `floor` for each step instead.
 */
const CHAIN = `WITH RECURSIVE chain(seq, prev_seq, incoming, msg_id) AS (
    SELECT seq, prev_seq, incoming, msg_id FROM user_timeline
    WHERE user_id = @user AND seq = @start AND peer_id = @peer AND seq > @floor
    UNION ALL
    SELECT t.seq, t.prev_seq, t.incoming, t.msg_id FROM chain c
    CROSS JOIN user_timeline t ON t.user_id = @user AND t.seq = c.prev_seq AND t.peer_id = @peer
    WHERE c.prev_seq > @floor AND c.prev_seq < c.seq
    LIMIT @limit)`;

/** The statements that walk 1:1 conversations (conversation-chain.ts), prepared once. */
export function prepareChainStatements(db: Database.Database) {
  return {
    /** A conversation row: the newest entry's position (1:1), and read up to where. Parameters: user, conversation. */
    conversationHead: prep<[string, string], { last_seq: number; read_seq: number }>(
      db,
      'SELECT last_seq, read_seq FROM conversations WHERE user_id = ? AND conv_id = ?',
    ),
    conversationLinks: prep<[ChainParams], LinkRow>(db, `${CHAIN} SELECT seq, prev_seq, incoming FROM chain`),
    conversationEntries: prep<[ChainParams], LinkedEntryRow>(
      db,
      `${CHAIN} SELECT c.seq, c.prev_seq, ${M_COLUMNS} FROM chain c JOIN messages m ON m.msg_id = c.msg_id`,
    ),
    /**
     * The newest entry of the conversation below `below` and above `floor`, by a scan of the user's
     * timeline: where a link is broken, or a page starts at an entry of another conversation.
     */
    peerEntryBelow: prep<[{ user: string; peer: string; below: number; floor: number }], { seq: number }>(
      db,
      `SELECT seq FROM user_timeline WHERE user_id = @user AND seq < @below AND seq > @floor AND peer_id = @peer
       ORDER BY seq DESC LIMIT 1`,
    ),
    /** The reader read up to `seq` of a 1:1 conversation, with `unread` newer messages received. */
    setConversationRead: prep<[number, number, string, string, number]>(
      db,
      'UPDATE conversations SET read_seq = ?, unread = ? WHERE user_id = ? AND conv_id = ? AND read_seq < ?',
    ),
  };
}
