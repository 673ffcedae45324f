import type Database from 'better-sqlite3';
import { prep } from './prep.js';

/**
 * The statements of the rows the writer holds in memory (conversation-buffer.ts, pending-buffer.ts,
 * entry-buffer.ts, range-buffer.ts): the marks of what was held, and what a start after a crash puts back
 * (held-recovery.ts).
 */
export function prepareHeldStatements(db: Database.Database) {
  return {
    /** A time at or before every message whose rows are held (conversation-buffer.ts). */
    convHeldMs: prep<[], { value: number }>(db, "SELECT value FROM meta WHERE key = 'conv_held_ms'"),
    /** Sets it, or lowers it: never raises it. */
    lowerConvHeld: prep<[number]>(
      db,
      `INSERT INTO meta (key, value) VALUES ('conv_held_ms', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE excluded.value < meta.value`,
    ),
    /** Sets it, also higher: after a write of the held rows (`ConversationBuffer.mark`). */
    setConvHeld: prep<[number]>(
      db,
      `INSERT INTO meta (key, value) VALUES ('conv_held_ms', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ),
    clearConvHeld: prep<[]>(db, "DELETE FROM meta WHERE key = 'conv_held_ms'"),
    /** The lowest id a message stored since the last write of every held row can have (held-writes.ts). */
    heldFromId: prep<[], { value: number }>(db, "SELECT value FROM meta WHERE key = 'held_from_id'"),
    setHeldFromId: prep<[number]>(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('held_from_id', ?)"),
    /**
     * The lowest id a message stored from now on can have: the first of the id ranges with ids not
     * used yet (a range's row goes only once all its ids are used or expired), or the next id.
     */
    lowestOpenId: prep<[], { id: number }>(
      db,
      "SELECT COALESCE(MIN(first_id), (SELECT value FROM meta WHERE key = 'next_msg_id')) AS id FROM id_ranges",
    ),
    /** There when id ranges with ids used were held, not written yet (range-buffer.ts). */
    rangesHeld: prep<[], { value: number }>(db, "SELECT value FROM meta WHERE key = 'ranges_held'"),
    setRangesHeld: prep<[]>(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('ranges_held', 1)"),
    clearRangesHeld: prep<[]>(db, "DELETE FROM meta WHERE key = 'ranges_held'"),
    /** Each id range with the ids of it that a stored message has, a row per message. */
    rangesWithMessages: prep<[], { first_id: number; size: number; taken: number; msg_id: number }>(
      db,
      `SELECT r.first_id, r.size, r.taken, m.msg_id FROM id_ranges r
       JOIN messages m ON m.msg_id >= r.first_id AND m.msg_id < r.first_id + r.size`,
    ),
    /**
     * The 1:1 messages from an id on (`held_from_id`) stored at or after a time: their users and
     * positions (`from_seq` NULL for a note to oneself, or a sender that is not a user).
     */
    messagesSince: prep<
      [number, number],
      {
        msg_id: number;
        from_id: string;
        from_seq: number | null;
        from_prev: number | null;
        to_id: string;
        to_seq: number;
        to_prev: number | null;
      }
    >(
      db,
      `SELECT msg_id, from_id, from_seq, from_prev, to_id, to_seq, to_prev FROM messages
       WHERE msg_id >= ? AND time_ms >= ? AND to_seq IS NOT NULL`,
    ),
    /**
     * A timeline entry put back from its message row, unless the position is taken (written
     * already) or the user is gone. Parameters as `insertEntry`'s.
     */
    restoreEntry: prep<
      [{ user: string; seq: number; msg: number; peer: string; incoming: number; prev: number }]
    >(
      db,
      `INSERT OR IGNORE INTO user_timeline (user_id, seq, msg_id, peer_id, incoming, prev_seq)
       SELECT @user, @seq, @msg, @peer, @incoming, @prev WHERE EXISTS (SELECT 1 FROM users WHERE id = @user)`,
    ),
    /** The user's timeline entries after a position, oldest first, with their messages' times. */
    entriesAfter: prep<
      [string, number],
      { seq: number; peer_id: string; incoming: number; msg_id: number; time_ms: number }
    >(
      db,
      `SELECT t.seq, t.peer_id, t.incoming, t.msg_id, m.time_ms FROM user_timeline t
       JOIN messages m ON m.msg_id = t.msg_id WHERE t.user_id = ? AND t.seq > ? ORDER BY t.seq`,
    ),
    /**
     * The 1:1 messages from an id on stored at or after a time, not read or recalled, pending again
     * for their recipients (whose timeline entry of them is still there). Parameters: the id, the time.
     */
    restorePending: prep<[number, number]>(
      db,
      `INSERT OR IGNORE INTO pending (user_id, seq, msg_id, time_ms)
         SELECT m.to_id, m.to_seq, m.msg_id, m.time_ms FROM messages m
         WHERE m.msg_id >= ? AND m.time_ms >= ? AND m.to_seq IS NOT NULL AND m.status < 2 AND m.recalled = 0
           AND EXISTS (SELECT 1 FROM user_timeline t WHERE t.user_id = m.to_id AND t.seq = m.to_seq AND t.msg_id = m.msg_id)`,
    ),
  };
}
