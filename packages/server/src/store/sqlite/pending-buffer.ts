import type { Statements } from './statements.js';

/** A 1:1 message not confirmed yet by its recipient, whose pending row is not written yet. */
interface Held {
  userId: string;
  seq: number;
  msgId: number;
  timeMs: number;
}

/** Held pending rows are written once this many are held (or with the conversation rows). */
export const HOLD_MAX_PENDING = 4096;

/**
 * The pending rows of 1:1 messages (a recipient's messages it has not confirmed), held in memory
 * like the conversation rows (conversation-buffer.ts) and written with them. A recipient that is
 * online confirms a message within milliseconds: its row is then dropped from memory and never
 * written, where before it cost two B-tree writes (the row and `pending_by_time`) when stored and two
 * more when confirmed. Only the rows still held when the conversation rows are written reach the
 * database.
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

  get size(): number {
    return this.byMsg.size;
  }

  /** How many of the user's pending rows are held. */
  heldFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** A message stored for `userId` at position `seq` of its timeline, pending until confirmed. */
  add(userId: string, seq: number, msgId: number, timeMs: number): void {
    const held = { userId, seq, msgId, timeMs };
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

  /** Writes every held row (inside the transaction). */
  flush(sql: Statements): void {
    if (this.byMsg.size === 0) return;
    const all = [...this.byMsg.values()];
    for (const h of all) sql.insertPending.run(h.userId, h.seq, h.msgId, h.timeMs);
    this.byMsg.clear();
    this.byUser.clear();
    this.undo.push(() => this.putAll(all));
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
