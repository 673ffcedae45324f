import type Database from 'better-sqlite3';
import type { ConversationBuffer } from './conversation-buffer.js';
import type { Statements } from './statements.js';

/** The log line of a recovery. */
export const RECOVERED_CONVERSATIONS =
  'the last run stopped without writing its conversation rows; folded their newest messages in';

/** What `recoverConversations` did: how many users it looked at, and entries it folded in. */
export interface ConversationRecovery {
  users: number;
  entries: number;
}

/**
 * After the process stopped with 1:1 conversation rows held in memory (conversation-buffer.ts):
 * folds into each row the timeline entries it is missing, as the writer would have.
 *
 * `meta.conv_held_ms` bounds what to look at: every message whose rows were held was stored at or
 * after that time, so only the users of messages since then can have rows behind. A user's rows
 * were all written up to the user's newest entry at the last write (rows are written all together),
 * which is the largest `last_seq` among them; entries after it are folded into their conversation's
 * row, each only if it is newer than the row's `last_seq` (so running this twice changes nothing).
 * Returns undefined when nothing was held.
 */
export function recoverConversations(
  db: Database.Database,
  sql: Statements,
  convs: ConversationBuffer,
): ConversationRecovery | undefined {
  const since = sql.convHeldMs.get()?.value;
  if (since === undefined) return undefined;
  const users = new Set<string>();
  for (const m of sql.usersOfMessagesSince.all(since)) users.add(m.from_id).add(m.to_id);
  let entries = 0;
  try {
    db.transaction(() => {
      for (const user of users) {
        const floor = sql.lastSeqOfRows.get(user)?.seq ?? 0;
        for (const e of sql.entriesAfter.all(user, floor)) {
          if (e.seq <= (sql.conversationHead.get(user, e.peer_id)?.last_seq ?? 0)) continue;
          // a note to oneself is never unread
          const unread = e.incoming === 1 && e.peer_id !== user ? 1 : 0;
          convs.touch(user, e.peer_id, e.time_ms, e.msg_id, unread, e.seq);
          entries++;
        }
      }
      convs.flush(sql);
      convs.endBatch(sql, Date.now());
    }).immediate();
  } catch (err) {
    convs.rolledBack();
    throw err;
  }
  convs.committed(Date.now());
  return { users: users.size, entries };
}
