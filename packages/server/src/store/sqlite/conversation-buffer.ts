import type { WriteOp } from '../store.js';
import type { Statements } from './statements.js';

/** A conversation row's change by the 1:1 messages not written to it yet. */
interface RowChange {
  lastMs: number;
  lastMsgId: number;
  /** Messages received in the conversation (0 for the sender's row and notes to oneself). */
  unread: number;
  /** The last message's position in the user's timeline. */
  lastSeq: number;
}

/** Changes by user, then by conversation (the peer's id). */
type Rows = Map<string, Map<string, RowChange>>;

/** Held rows are written once this many are held ... */
export const HOLD_MAX_ROWS = 4096;
/** ... or once rows, conversation or pending, have been held this long (ms; held-writes.ts). */
export const HOLD_MAX_MS = 1000;

/**
 * The conversation rows of 1:1 messages, held in memory across batches and written together, with
 * the held pending rows (pending-buffer.ts; when: held-writes.ts): once a second (by the batch
 * then, or by a timer if none comes), once 4,096 rows are held, before any operation not of the
 * message path (`keepsRowsHeld`; a read receipt writes only the row it reads, `writeRow`), before
 * the store reads them (`SqliteStore.flushHeld`: the conversation list, a 1:1 history page, the
 * pending messages) and when the store closes. A row that many messages change between two writes
 * is written once; each row ends as the messages one after the other would leave it: the last
 * message, its time, and the unread count raised by the messages received (up to MAX_UNREAD).
 *
 * The timeline entries are the record: a row only summarizes them. If the process dies with rows
 * held, the store folds the entries they were missing into them when it opens again
 * (held-recovery.ts), found through `meta.conv_held_ms`: a time at or before every message whose
 * rows are held, set in the same transaction as the messages that lower it, raised by a write of
 * the held rows to the earliest message of the pending rows it keeps held, and deleted by the first
 * transaction after which nothing is held (`mark`).
 *
 * Two layers, so that a batch that rolls back drops its own changes only: `batch`, this batch's,
 * and `held`, those of committed batches. Every transaction ends with `full` and `mark` inside it,
 * then `committed` or `rolledBack` after it.
 */
export class ConversationBuffer {
  private held: Rows = new Map();
  private heldRows = 0;
  /** The earliest time of a message stored since no conversation row was held (Infinity: none). */
  private heldMinMs = Infinity;
  /** `mark` found no conversation row held: at commit `heldMinMs` starts again. */
  private markedEmpty = false;
  private batch: Rows = new Map();
  private batchRows = 0;
  private batchMinMs = Infinity;
  /** Held rows this transaction wrote one by one (`writeRow`): back into `held` at rollback. */
  private writtenHeld: [string, string, RowChange][] = [];
  /** This transaction wrote the held rows: at commit they are gone, at rollback they stay. */
  private heldWritten = false;
  /** `meta.conv_held_ms` as committed (null: no row; undefined: not known, after a rollback). */
  private marker: number | null | undefined;

  /** Whether rows are held that the database does not have yet (reads write them first). */
  get holding(): boolean {
    return this.heldRows > 0;
  }

  /**
   * The position of the newest entry of the user's 1:1 conversation (0: none yet), which a new
   * entry links to: as the messages not written yet left it, or as the row has it.
   */
  lastSeq(sql: Statements, userId: string, convId: string): number {
    return (
      this.batch.get(userId)?.get(convId)?.lastSeq ??
      this.held.get(userId)?.get(convId)?.lastSeq ??
      sql.conversationHead.get(userId, convId)?.last_seq ??
      0
    );
  }

  /**
   * A 1:1 message stored at these positions of the two timelines: the sender's row, and the
   * recipient's with one more unread.
   */
  message(fromId: string, toId: string, timeMs: number, msgId: number, toSeq: number, fromSeq: number): void {
    this.touch(fromId, toId, timeMs, msgId, 0, fromSeq);
    // a note to oneself is one row, nothing unread
    if (toId !== fromId) this.touch(toId, fromId, timeMs, msgId, 1, toSeq);
  }

  /** One timeline entry of the user's conversation, at position `lastSeq`. */
  touch(
    userId: string,
    convId: string,
    lastMs: number,
    lastMsgId: number,
    unread: number,
    lastSeq: number,
  ): void {
    if (lastMs < this.batchMinMs) this.batchMinMs = lastMs;
    if (merge(this.batch, userId, convId, { lastMs, lastMsgId, unread, lastSeq })) this.batchRows++;
  }

  /** Writes every row not written yet (inside the transaction; `SqliteStore.flushHeld`). */
  flush(sql: Statements): void {
    if (!this.heldWritten) {
      write(sql, this.held);
      this.heldWritten = true;
    }
    write(sql, this.batch);
    this.dropBatch();
  }

  /**
   * Writes one row's change now (inside the transaction), for an operation that reads the row (a
   * read receipt): as held and as this batch left it, merged.
   */
  writeRow(sql: Statements, userId: string, convId: string): void {
    const b = this.batch.get(userId)?.get(convId);
    const h = this.heldWritten ? undefined : this.held.get(userId)?.get(convId);
    if (!b && !h) return;
    const r = { ...(h ?? b)! };
    if (h && b) combine(r, b);
    sql.touchConversation.run(userId, convId, r.lastMs, r.lastMsgId, r.unread, r.lastSeq);
    if (b) {
      this.batch.get(userId)!.delete(convId);
      this.batchRows--;
    }
    if (h) {
      this.held.get(userId)!.delete(convId);
      this.heldRows--;
      this.writtenHeld.push([userId, convId, h]);
    }
  }

  /** Whether this many rows are held that they are due to be written, at the end of a transaction. */
  get full(): boolean {
    return this.keptRows() >= HOLD_MAX_ROWS;
  }

  /** The rows held after this transaction, if it commits. */
  private keptRows(): number {
    return (this.heldWritten ? 0 : this.heldRows) + this.batchRows;
  }

  /**
   * The end of a transaction, inside it, after any flush: keeps `meta.conv_held_ms` at or before the
   * earliest time of a message whose rows are held, conversation rows or pending rows
   * (`pendingMinMs`, pending-buffer.ts; Infinity: none), or deletes it if nothing is. It is lowered
   * as rows are held; it is raised only by a transaction that wrote every held conversation row,
   * to the earliest of what it leaves held.
   */
  mark(sql: Statements, pendingMinMs: number): void {
    this.markedEmpty = this.keptRows() === 0;
    const convMinMs = this.markedEmpty
      ? Infinity
      : Math.min(this.heldWritten ? Infinity : this.heldMinMs, this.batchMinMs);
    const minMs = Math.min(convMinMs, pendingMinMs);
    if (minMs === Infinity) {
      if (this.marker !== null) sql.clearConvHeld.run();
      this.marker = null;
    } else if (this.heldWritten && this.marker != null && minMs > this.marker) {
      sql.setConvHeld.run(minMs);
      this.marker = minMs;
    } else if (this.marker == null || minMs < this.marker) {
      // lowers it, never raises it (a rollback leaves `marker` unknown)
      sql.lowerConvHeld.run(minMs);
      this.marker = this.marker == null ? minMs : Math.min(this.marker, minMs);
    }
  }

  /** The transaction committed: what it wrote is gone, its batch's changes are held. */
  committed(): void {
    this.writtenHeld = [];
    if (this.heldWritten || this.markedEmpty) this.heldMinMs = Infinity;
    this.markedEmpty = false;
    if (this.heldWritten) {
      this.held = new Map();
      this.heldRows = 0;
      this.heldWritten = false;
    }
    if (this.batch.size === 0) return;
    for (const [userId, mine] of this.batch)
      for (const [convId, change] of mine) if (merge(this.held, userId, convId, change)) this.heldRows++;
    this.heldMinMs = Math.min(this.heldMinMs, this.batchMinMs);
    this.dropBatch();
  }

  /** The transaction rolled back: its batch's changes are dropped, the held rows are held still. */
  rolledBack(): void {
    for (const [userId, convId, h] of this.writtenHeld)
      if (merge(this.held, userId, convId, h)) this.heldRows++;
    this.writtenHeld = [];
    this.dropBatch();
    this.heldWritten = false;
    this.markedEmpty = false;
    this.marker = undefined;
  }

  private dropBatch(): void {
    this.batch = new Map();
    this.batchRows = 0;
    this.batchMinMs = Infinity;
  }
}

/** Adds a change to a row's changes; true if the row had none. */
function merge(rows: Rows, userId: string, convId: string, change: RowChange): boolean {
  let mine = rows.get(userId);
  if (!mine) {
    mine = new Map();
    rows.set(userId, mine);
  }
  const row = mine.get(convId);
  if (!row) {
    mine.set(convId, { ...change });
    return true;
  }
  combine(row, change);
  return false;
}

/** A row's change followed by a later one. */
function combine(row: RowChange, later: RowChange): void {
  row.lastMs = later.lastMs;
  row.lastMsgId = later.lastMsgId;
  row.unread += later.unread;
  row.lastSeq = later.lastSeq;
}

function write(sql: Statements, rows: Rows): void {
  for (const [userId, mine] of rows)
    for (const [convId, r] of mine)
      sql.touchConversation.run(userId, convId, r.lastMs, r.lastMsgId, r.unread, r.lastSeq);
}

/**
 * The operations that run with the conversation and pending rows of 1:1 messages still held: the
 * 1:1 message path, its confirmations, read receipts and recalls, which keep the held rows in step
 * (a read receipt writes the one row it reads, `writeRow`), and those that touch neither (group
 * messages and their receipts only touch the groups' rows). Before any other operation (retention,
 * a deletion, a group's membership, a friend request, ...) the store writes them, so those find the
 * database complete.
 */
export function keepsRowsHeld(op: WriteOp): boolean {
  switch (op.kind) {
    case 'append':
    case 'confirm':
    case 'confirmThrough':
    case 'read':
    case 'recall':
    case 'groupConfirm':
    case 'groupRead':
    case 'groupRecall':
    case 'reserve':
    case 'noticeDone':
    case 'presence':
      return true;
    default:
      return false;
  }
}
