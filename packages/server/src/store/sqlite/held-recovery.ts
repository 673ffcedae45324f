import type Database from 'better-sqlite3';
import type { Statements } from './statements.js';
import type { WriteContext } from './write-context.js';

/** The log line of a recovery. */
export const RECOVERED_HELD_ROWS =
  'the last run stopped without writing its conversation and pending rows; folded their newest messages in';

/**
 * What `recoverHeldRows` did: the users it looked at, the timeline entries it folded into their
 * conversation rows, and the messages it made pending again.
 */
export interface HeldRecovery {
  users: number;
  entries: number;
  pending: number;
}

/**
 * After the process stopped with conversation and pending rows held in memory
 * (conversation-buffer.ts, pending-buffer.ts): puts back what the database is missing, in one
 * transaction, as the writer would have written it.
 *
 * `meta.conv_held_ms` bounds what to look at: every message whose rows could be held was stored at
 * or after that time.
 * - Conversation rows: only the users of those messages can have rows behind, and only from their
 *   first entry of them on. Each of a user's entries from there is folded into its conversation's
 *   row if it is newer than the row's `last_seq`: a row is always written with every entry up to
 *   its `last_seq` (all together, or one row at a time for a read receipt), so an entry at or below
 *   it is in the row, and one above it is not.
 * - Pending rows: which of those messages their recipients confirmed is not known, so every one not
 *   read or recalled is pending again (`restorePending`).
 * Running it twice changes nothing. Returns undefined when nothing was held.
 */
export function recoverHeldRows(db: Database.Database, w: WriteContext): HeldRecovery | undefined {
  const { sql, convs } = w;
  const since = sql.convHeldMs.get()?.value;
  if (since === undefined) return undefined;
  // each user's first entry of those messages
  const first = new Map<string, number>();
  const see = (user: string, seq: number) => first.set(user, Math.min(seq, first.get(user) ?? seq));
  for (const m of sql.messagesSince.all(since)) {
    see(m.to_id, m.to_seq);
    if (m.from_seq !== null) see(m.from_id, m.from_seq);
  }
  let entries = 0;
  let pending = 0;
  try {
    db.transaction(() => {
      for (const [user, seq] of first) entries += foldEntries(sql, w, user, seq - 1);
      pending = sql.restorePending.run(since).changes;
      convs.flush(sql);
      convs.mark(sql, Infinity);
    }).immediate();
  } catch (err) {
    convs.rolledBack();
    throw err;
  }
  convs.committed();
  return { users: first.size, entries, pending };
}

/** Folds the user's entries after `floor` into the conversation rows that miss them; how many. */
function foldEntries(sql: Statements, { convs }: WriteContext, user: string, floor: number): number {
  let n = 0;
  for (const e of sql.entriesAfter.all(user, floor)) {
    if (e.seq <= (sql.conversationHead.get(user, e.peer_id)?.last_seq ?? 0)) continue;
    // a note to oneself is never unread
    convs.touch(user, e.peer_id, e.time_ms, e.msg_id, e.incoming === 1 && e.peer_id !== user ? 1 : 0, e.seq);
    n++;
  }
  return n;
}
