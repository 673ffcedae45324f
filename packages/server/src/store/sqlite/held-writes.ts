import { HOLD_MAX_MS } from './conversation-buffer.js';
import { HOLD_MAX_PENDING } from './pending-buffer.js';
import type { WriteContext } from './write-context.js';

/**
 * Which held rows a transaction writes at its end: all of them (a read, close), those due (`timed`:
 * once a second, see `HeldWrites.write`), or none unless due.
 */
export type HeldWrite = 'all' | 'timed' | 'none';

/**
 * When the writing connection writes the conversation and pending rows, the timeline entries and
 * the id ranges it holds in memory (conversation-buffer.ts, pending-buffer.ts, entry-buffer.ts,
 * range-buffer.ts), and the transaction's
 * part in that: every batch transaction calls `begin`, `write('all')` before an operation that is
 * not `keepsRowsHeld`, `end` inside it, then `committed` or `rolledBack` after it. How long rows
 * have been held is counted on the monotonic clock, whatever the wall clock does; a timer writes
 * them when no batch comes (`due` is then called, to run a transaction of its own with `timed`).
 */
export class HeldWrites {
  /** When rows began to be held, or the last write of them that kept some (`performance.now()`). */
  private since: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The running transaction wrote held rows. */
  private wrote = false;
  /** `meta.held_from_id` as committed (undefined: not known, after a rollback). */
  private fromId: number | undefined;

  constructor(
    private readonly w: WriteContext,
    private readonly due: () => void,
  ) {}

  /** Whether rows are held that the database does not have yet and that the store's reads need. */
  get holding(): boolean {
    return this.w.convs.holding || this.w.pending.size > 0 || this.w.entries.size > 0;
  }

  /** Whether anything is held that the database does not have yet: rows, or ids used. */
  get unwritten(): boolean {
    return this.holding || this.w.ranges.holding;
  }

  /** The start of a batch transaction. */
  begin(): void {
    this.wrote = false;
  }

  /**
   * Writes the held rows (inside the transaction): all of them before any operation that is not
   * `keepsRowsHeld`, before a read and at close; when due (`timed`), all the conversation rows and
   * id ranges, and the pending rows held since the previous timed write (pending-buffer.ts). The
   * timeline entries go with `all` only: the batches write them a chunk at a time (`end`).
   */
  write(which: 'all' | 'timed'): void {
    if (which === 'all') this.w.entries.flush(this.w.sql);
    this.w.convs.flush(this.w.sql);
    this.w.pending.flush(this.w.sql, which === 'all');
    this.w.ranges.flush(this.w.sql);
    this.wrote = true;
    if (which === 'all') this.markFromId();
  }

  /**
   * Nothing is held (at open, or after a write of every held row): every message whose rows are
   * held at a crash from here on is stored from here on, with an id from a range not used up yet or
   * a later one. `meta.held_from_id` keeps the lowest such id, so the recovery after a crash reads
   * the messages from it on (there is no index of message times: id-clock-schema.ts).
   */
  markFromId(): void {
    const id = this.w.sql.lowestOpenId.get()!.id;
    if (id === this.fromId) return;
    this.w.sql.setHeldFromId.run(id);
    this.fromId = id;
  }

  /**
   * The end of a batch transaction's operations, inside it: writes what `flush` asks for or what
   * is due, and marks what stays held (`ConversationBuffer.mark`, `RangeBuffer.mark`). A batch
   * writes the chunks of timeline entries that are due (`EntryBuffer.writeDue`), unless it makes a
   * timed write (the entries then wait a batch). The timer's transaction (`timed`) writes the
   * chunks that are due too, not all of them: under load it often fires between two batches, before
   * the one that would have made the timed write, and a second's entries at once made it the
   * longest transaction of the second (docs/benchmarks.md, twenty-first pass); on a quiet server
   * they are all due by then.
   */
  end(flush: HeldWrite): void {
    const { convs, pending, entries, ranges, sql } = this.w;
    const now = performance.now();
    const aged = this.since !== undefined && now - this.since >= HOLD_MAX_MS;
    if (flush === 'all' || pending.size >= HOLD_MAX_PENDING) this.write('all');
    else if (flush === 'timed') {
      entries.writeDue(sql, now);
      this.write('timed');
    } else if (aged || convs.full || ranges.full) this.write('timed');
    else entries.writeDue(sql, now);
    convs.mark(sql, Math.min(pending.earliestMs, entries.earliestMs));
    ranges.mark(sql);
  }

  /** The transaction committed: a write of held rows starts the count again for those it kept. */
  committed(): void {
    this.w.convs.committed();
    this.w.pending.committed();
    this.w.entries.committed();
    this.w.ranges.committed();
    if (!this.unwritten) this.since = undefined;
    else if (this.wrote || this.since === undefined) this.since = performance.now();
    if (this.since !== undefined) this.timer ??= setTimeout(() => this.onTimer(), HOLD_MAX_MS).unref();
  }

  /** The transaction rolled back: its changes to the held rows are dropped, the rest stay held. */
  rolledBack(): void {
    this.fromId = undefined;
    this.w.convs.rolledBack();
    this.w.pending.rolledBack();
    this.w.entries.rolledBack();
    this.w.ranges.rolledBack();
  }

  /** No more timed writes (the store closes). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.since = undefined;
  }

  /** Calls `due` once the rows are HOLD_MAX_MS old, if no batch wrote them. */
  private onTimer(): void {
    this.timer = undefined;
    if (this.since === undefined) return;
    const wait = HOLD_MAX_MS - (performance.now() - this.since);
    if (wait > 0) this.timer = setTimeout(() => this.onTimer(), wait).unref();
    else this.due();
  }
}
