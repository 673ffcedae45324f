import type Database from 'better-sqlite3';
import { bitOf, writeRange } from './id-ranges.js';
import type { Statements } from './statements.js';
import type { WriteContext } from './write-context.js';

/** The log line of a recovery. */
export const RECOVERED_HELD_ROWS =
  'the last run stopped without writing the rows it held (timeline entries, conversations, pending messages, reserved ids); put them back from its newest messages';

/**
 * What `recoverHeldRows` did: the users it looked at, the timeline entries it put back from their
 * messages and those it folded into their conversation rows, the messages it made pending again,
 * and the id ranges it found used ids of.
 */
export interface HeldRecovery {
  users: number;
  restored: number;
  entries: number;
  pending: number;
  ranges: number;
}

/**
 * After the process stopped with timeline entries, conversation and pending rows held in memory
 * (entry-buffer.ts, conversation-buffer.ts, pending-buffer.ts): puts back what the database is
 * missing, in one transaction, as the writer would have written it.
 *
 * `meta.conv_held_ms` bounds what to look at: every message whose rows could be held was stored at
 * or after that time.
 * - Timeline entries: each of those messages' rows has its positions in both timelines and the
 *   entries' links (`to_prev`, `from_prev`); an entry missing at its position is put back
 *   (`restoreEntry`). A position that is taken was written; the entries held were always a user's
 *   newest.
 * - Conversation rows: only the users of those messages can have rows behind, and only from their
 *   first entry of them on. Each of a user's entries from there is folded into its conversation's
 *   row if it is newer than the row's `last_seq`: a row is always written with every entry up to
 *   its `last_seq` (all together, or one row at a time for a read receipt), so an entry at or below
 *   it is in the row, and one above it is not.
 * - Pending rows: which of those messages their recipients confirmed is not known, so every one not
 *   read or recalled is pending again (`restorePending`).
 * - Id ranges (range-buffer.ts), when `meta.ranges_held` is there: every id of a range that a
 *   stored message has is used (`recoverRanges`).
 * Running it twice changes nothing. Returns undefined when nothing was held.
 */
export function recoverHeldRows(db: Database.Database, w: WriteContext): HeldRecovery | undefined {
  const { sql, convs, ranges } = w;
  const since = sql.convHeldMs.get()?.value;
  const rangesHeld = sql.rangesHeld.get() !== undefined;
  if (since === undefined && !rangesHeld) return undefined;
  // each user's first entry of those messages
  const first = new Map<string, number>();
  const see = (user: string, seq: number) => first.set(user, Math.min(seq, first.get(user) ?? seq));
  // a file of a version before `held_from_id`: every message of that time
  const fromId = sql.heldFromId.get()?.value ?? 0;
  const messages = since === undefined ? [] : sql.messagesSince.all(fromId, since);
  for (const m of messages) {
    see(m.to_id, m.to_seq);
    if (m.from_seq !== null) see(m.from_id, m.from_seq);
  }
  const done: HeldRecovery = { users: first.size, restored: 0, entries: 0, pending: 0, ranges: 0 };
  try {
    db.transaction(() => {
      for (const m of messages) done.restored += restoreEntries(sql, m);
      for (const [user, seq] of first) done.entries += foldEntries(sql, w, user, seq - 1);
      if (since !== undefined) done.pending = sql.restorePending.run(fromId, since).changes;
      if (rangesHeld) done.ranges = recoverRanges(sql);
      convs.flush(sql);
      convs.mark(sql, Infinity);
      ranges.mark(sql);
    }).immediate();
  } catch (err) {
    convs.rolledBack();
    ranges.rolledBack();
    throw err;
  }
  convs.committed();
  ranges.committed();
  return done;
}

/**
 * Marks as used every id of a range that a stored message has (a message to a chat room never
 * leaves its id held: see range-buffer.ts); a range with none left unused goes. The database's
 * `taken` bits are kept: they were all true when written. Returns how many ranges changed.
 */
function recoverRanges(sql: Statements): number {
  const used = new Map<number, { size: number; stored: number; taken: number }>();
  for (const r of sql.rangesWithMessages.all()) {
    const range = used.get(r.first_id) ?? { size: r.size, stored: r.taken, taken: r.taken };
    range.taken |= bitOf(r, r.msg_id);
    used.set(r.first_id, range);
  }
  let changed = 0;
  for (const [firstId, { size, stored, taken }] of used) {
    if (taken === stored) continue;
    writeRange(sql, firstId, taken, size - bitCount(taken));
    changed++;
  }
  return changed;
}

function bitCount(n: number): number {
  let count = 0;
  for (let v = n; v !== 0; v &= v - 1) count++;
  return count;
}

type MessageSince = ReturnType<Statements['messagesSince']['all']>[number];

/** Puts back the message's timeline entries that the database is missing; how many. */
function restoreEntries(sql: Statements, m: MessageSince): number {
  const recipient = {
    user: m.to_id,
    seq: m.to_seq,
    msg: m.msg_id,
    peer: m.from_id,
    incoming: 1,
    prev: m.to_prev ?? 0,
  };
  let n = sql.restoreEntry.run(recipient).changes;
  if (m.from_seq !== null)
    n += sql.restoreEntry.run({
      user: m.from_id,
      seq: m.from_seq,
      msg: m.msg_id,
      peer: m.to_id,
      incoming: 0,
      prev: m.from_prev ?? 0,
    }).changes;
  return n;
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
