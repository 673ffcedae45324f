import type { Statements } from './statements.js';

/** A 1:1 message not confirmed yet by its recipient, whose pending row is not written yet. */
interface Held {
  userId: string;
  seq: number;
  msgId: number;
  timeMs: number;
  /** The timed write it was held before: it is written by the next one, if still held then. */
  gen: number;
}

/** All held pending rows are written once this many are held. */
export const HOLD_MAX_PENDING = 16384;

/**
 * The pending rows of 1:1 messages (a recipient's messages it has not confirmed), held in memory
 * like the conversation rows (conversation-buffer.ts) and written with them. A recipient that is
 * online confirms a message within milliseconds: its row is then dropped from memory and never
 * written, where before it cost two B-tree writes (the row and `pending_by_time`) when stored and two
 * more when confirmed. The timed writes of the held rows (once a second) write only the pending rows
 * that were held before the previous one (`flush(sql, false)`), so a row reaches the database only
 * if its message stays unconfirmed for one to two seconds; rows just held would mostly be deleted
 * again within milliseconds. Every other write of the held rows (before a read of them, before an
 * operation not of the message path, at HOLD_MAX_PENDING rows, at close) writes all of them.
 *
 * After a crash the store cannot know which of the messages stored since the last write were
 * confirmed, so it makes all of them pending again (held-recovery.ts): their recipients get them
 * once more, which a client that drops the ids it has seen (the SDK does) does not show. Nothing
 * acknowledged is lost.
 *
 * A batch that rolls back undoes its own changes (`undo`, in reverse).
 */
export class PendingBuffer {
  private readonly byMsg = new Map<number, Held>();
  private readonly byUser = new Map<string, Map<number, Held>>();
  private undo: (() => void)[] = [];
  /** The timed writes so far (see `Held.gen`). */
  private gen = 0;
  /** The earliest time of the held rows' messages, or earlier (Infinity: none held). */
  private minMs = Infinity;

  /** The earliest time of a held row's message, or earlier; Infinity when none is held. */
  get earliestMs(): number {
    return this.byMsg.size === 0 ? Infinity : this.minMs;
  }

  get size(): number {
    return this.byMsg.size;
  }

  /** How many of the user's pending rows are held. */
  heldFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** A message stored for `userId` at position `seq` of its timeline, pending until confirmed. */
  add(userId: string, seq: number, msgId: number, timeMs: number): void {
    const held = { userId, seq, msgId, timeMs, gen: this.gen };
    this.put(held);
    this.undo.push(() => this.drop(held));
  }

  /** Drops the held row of the message if `userId` received it; whether there was one. */
  take(userId: string, msgId: number): boolean {
    const held = this.byMsg.get(msgId);
    if (held?.userId !== userId) return false;
    this.drop(held);
    this.undo.push(() => this.put(held));
    return true;
  }

  /** Drops the held row of the message the user received at position `seq`; whether there was one. */
  takeAt(userId: string, seq: number): boolean {
    const held = this.byUser.get(userId)?.get(seq);
    return held !== undefined && this.take(userId, held.msgId);
  }

  /** Drops the user's held rows up to position `seq`; how many. */
  takeThrough(userId: string, seq: number): number {
    const mine = this.byUser.get(userId);
    if (!mine) return 0;
    const gone = [...mine.values()].filter((h) => h.seq <= seq);
    for (const h of gone) this.drop(h);
    if (gone.length > 0) this.undo.push(() => this.putAll(gone));
    return gone.length;
  }

  /**
   * Writes the held rows (inside the transaction): all of them, or (`all` false: a timed write) those
   * held before the previous timed write, keeping the others held.
   */
  flush(sql: Statements, all: boolean): void {
    const gen = this.gen;
    if (!all) this.gen++;
    const written: Held[] = [];
    let keptMinMs = Infinity;
    for (const h of this.byMsg.values()) {
      if (all || h.gen < gen) written.push(h);
      else if (h.timeMs < keptMinMs) keptMinMs = h.timeMs;
    }
    const minMs = this.minMs;
    this.minMs = keptMinMs; // exact again: what is kept
    if (written.length === 0) return;
    for (const h of written) sql.insertPending.run(h.userId, h.seq, h.msgId, h.timeMs);
    for (const h of written) this.drop(h);
    this.undo.push(() => {
      this.minMs = minMs;
      this.putAll(written);
    });
  }

  /** The transaction committed. */
  committed(): void {
    this.undo = [];
  }

  /** The transaction rolled back: its changes are undone. */
  rolledBack(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!();
    this.undo = [];
  }

  private putAll(all: readonly Held[]): void {
    for (const h of all) this.put(h);
  }

  private put(h: Held): void {
    if (this.byMsg.size === 0 || h.timeMs < this.minMs) this.minMs = h.timeMs;
    this.byMsg.set(h.msgId, h);
    let mine = this.byUser.get(h.userId);
    if (!mine) {
      mine = new Map();
      this.byUser.set(h.userId, mine);
    }
    mine.set(h.seq, h);
  }

  private drop(h: Held): void {
    this.byMsg.delete(h.msgId);
    const mine = this.byUser.get(h.userId);
    mine?.delete(h.seq);
    if (mine?.size === 0) this.byUser.delete(h.userId);
  }
}
