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
 * `meta.conv_held_ms` bounds what to look at: every message stored since the held rows were last
 * written was stored at or after that time.
 * - Conversation rows: only the users of those messages can have rows behind. A user's rows were all
 *   written up to the user's newest entry at the last write (rows are written all together), which
 *   is the largest `last_seq` among them; entries after it are folded into their conversation's row,
 *   each only if it is newer than the row's `last_seq`.
 * - Pending rows: which of those messages their recipients confirmed is not known, so every one not
 *   read or recalled is pending again (`restorePending`).
 * Running it twice changes nothing. Returns undefined when nothing was held.
 */
export function recoverHeldRows(db: Database.Database, w: WriteContext): HeldRecovery | undefined {
  const { sql, convs } = w;
  const since = sql.convHeldMs.get()?.value;
  if (since === undefined) return undefined;
  const users = new Set<string>();
  for (const m of sql.usersOfMessagesSince.all(since)) users.add(m.from_id).add(m.to_id);
  let entries = 0;
  let pending = 0;
  try {
    db.transaction(() => {
      for (const user of users) entries += foldEntries(sql, w, user);
      pending = sql.restorePending.run(since).changes;
      convs.flush(sql);
      convs.mark(sql, false);
    }).immediate();
  } catch (err) {
    convs.rolledBack();
    throw err;
  }
  convs.committed();
  return { users: users.size, entries, pending };
}

/** Folds the user's entries after its rows' newest into its conversation rows; how many. */
function foldEntries(sql: Statements, { convs }: WriteContext, user: string): number {
  let n = 0;
  const floor = sql.lastSeqOfRows.get(user)?.seq ?? 0;
  for (const e of sql.entriesAfter.all(user, floor)) {
    if (e.seq <= (sql.conversationHead.get(user, e.peer_id)?.last_seq ?? 0)) continue;
    // a note to oneself is never unread
    convs.touch(user, e.peer_id, e.time_ms, e.msg_id, e.incoming === 1 && e.peer_id !== user ? 1 : 0, e.seq);
    n++;
  }
  return n;
}
