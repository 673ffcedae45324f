import { bitOf, holds, isFree, openRangeOf, writeRange } from './id-ranges.js';
import type { RangeRow, Statements } from './statements.js';

/** A range of reserved ids (id-ranges.ts) as the writer has it. */
export interface HeldRange {
  /** The row as the messages stored so far leave it (`taken`, `unused` change in place). */
  readonly row: RangeRow;
  /** `unused` as the database has it. */
  stored: number;
  /** Ids were used since the row was last written. */
  changed: boolean;
}

/** The ranges held are written, and forgotten, once this many are held. */
export const HOLD_MAX_RANGES = 16384;

/**
 * The id ranges of the message path, held in memory with the conversation and pending rows and
 * written with them (when: held-writes.ts). A message marks its id used in the range it holds; the
 * range's row is written once for all the ids used since its last write (or deleted, once all its
 * ids are used), where before every message updated it. Each write of them forgets every range
 * held, so what is held is what the message path touched since the last write; a range not held is
 * read from the database when a message needs it. `reserve` adds the ranges it inserts.
 *
 * Only the message path (1:1 and group messages, and `reserve`) goes through here. Every other
 * operation runs after a write of all held rows (`keepsRowsHeld`), so it finds the database complete
 * and nothing held: a message to a chat room and the purge of expired ranges use the rows directly.
 *
 * If the process dies with ranges held, the database misses some used ids of them. `meta.ranges_held`
 * says so (`mark`), and the next start marks as used every id of a range that a stored message has
 * (held-recovery.ts). Without that, such an id would look reserved and unused, and a retry of its
 * message would fail its whole batch on the message's primary key instead of being answered as a
 * retry.
 *
 * A batch that rolls back undoes its own changes (`undo`, in reverse).
 */
export class RangeBuffer {
  private byFirst = new Map<number, HeldRange>();
  private byUser = new Map<string, HeldRange[]>();
  /** How many of the ranges held have ids used that the database does not have yet. */
  private changedRanges = 0;
  private undo: (() => void)[] = [];
  /** Whether `meta.ranges_held` is there, as committed (undefined: not known, after a rollback). */
  private marker: boolean | undefined;

  /** Whether ids were used that the database does not have yet. */
  get holding(): boolean {
    return this.changedRanges > 0;
  }

  /** Whether this many ranges are held that they are due to be written. */
  get full(): boolean {
    return this.byFirst.size >= HOLD_MAX_RANGES;
  }

  /** The range holding the id, if the id is reserved for the user and not used yet. */
  reservationOf(sql: Statements, msgId: number, userId: string): HeldRange | undefined {
    for (const h of this.byUser.get(userId) ?? [])
      if (holds(h.row, msgId)) return isFree(h.row, msgId) ? h : undefined;
    const h = this.openRange(sql, msgId);
    return h?.row.user_id === userId ? h : undefined;
  }

  /** The range holding the id, if the id is reserved for anyone and not used yet. */
  openRange(sql: Statements, msgId: number): HeldRange | undefined {
    // the held bits are the row's and those used since: an id used in the row is used here too
    const r = openRangeOf(sql, msgId);
    if (!r) return undefined;
    const h = this.byFirst.get(r.first_id) ?? this.add(r);
    return isFree(h.row, msgId) ? h : undefined;
  }

  /** The reserved id is used up (stored, or refused as expired): it is no longer anyone's. */
  use(h: HeldRange, msgId: number): void {
    const { row, changed } = h;
    const { taken, unused } = row;
    row.taken |= bitOf(row, msgId);
    row.unused--;
    if (!changed) this.setChanged(h, true);
    this.undo.push(() => {
      row.taken = taken;
      row.unused = unused;
      if (!changed) this.setChanged(h, false);
    });
  }

  /** A range `reserve` just inserted, as the database has it. */
  inserted(row: RangeRow): void {
    this.add(row);
  }

  /** Forgets the user's ranges reserved before `validFromMs` (the caller deletes their rows). */
  dropExpired(userId: string, validFromMs: number): void {
    for (const h of this.byUser.get(userId) ?? []) if (h.row.reserved_ms < validFromMs) this.remove(h);
  }

  /** How many unused ids the user's ranges have beyond what the database's rows say (zero or less). */
  unusedBeyondStored(userId: string): number {
    let n = 0;
    for (const h of this.byUser.get(userId) ?? []) n += h.row.unused - h.stored;
    return n;
  }

  /** Writes the ranges with ids used since their last write, and forgets all (inside the transaction). */
  flush(sql: Statements): void {
    for (const { row, changed } of this.byFirst.values())
      if (changed) writeRange(sql, row.first_id, row.taken, row.unused);
    const { byFirst, byUser, changedRanges } = this;
    this.byFirst = new Map();
    this.byUser = new Map();
    this.changedRanges = 0;
    this.undo.push(() => {
      this.byFirst = byFirst;
      this.byUser = byUser;
      this.changedRanges = changedRanges;
    });
  }

  /**
   * The end of a transaction, inside it, after any flush: `meta.ranges_held` is there exactly when
   * ranges with ids used are held.
   */
  mark(sql: Statements): void {
    const held = this.holding;
    if (held !== this.marker) (held ? sql.setRangesHeld : sql.clearRangesHeld).run();
    this.marker = held;
  }

  /** The transaction committed. */
  committed(): void {
    this.undo = [];
  }

  /** The transaction rolled back: its changes are undone, and the mark is not known. */
  rolledBack(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!();
    this.undo = [];
    this.marker = undefined;
  }

  private add(row: RangeRow): HeldRange {
    const h: HeldRange = { row, stored: row.unused, changed: false };
    this.put(h);
    this.undo.push(() => this.remove(h));
    return h;
  }

  private remove(h: HeldRange): void {
    this.byFirst.delete(h.row.first_id);
    const mine = this.byUser.get(h.row.user_id)!.filter((o) => o !== h);
    if (mine.length > 0) this.byUser.set(h.row.user_id, mine);
    else this.byUser.delete(h.row.user_id);
    if (h.changed) this.changedRanges--;
    this.undo.push(() => this.put(h));
  }

  private put(h: HeldRange): void {
    this.byFirst.set(h.row.first_id, h);
    const mine = this.byUser.get(h.row.user_id);
    if (mine) mine.push(h);
    else this.byUser.set(h.row.user_id, [h]);
    if (h.changed) this.changedRanges++;
  }

  private setChanged(h: HeldRange, changed: boolean): void {
    h.changed = changed;
    this.changedRanges += changed ? 1 : -1;
  }
}
