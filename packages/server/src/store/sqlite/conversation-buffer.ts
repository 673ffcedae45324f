import { isGroupId } from '@parley/protocol';
import type { WriteOp } from '../store.js';
import type { Statements } from './statements.js';

/** A conversation row's change by the 1:1 messages of a batch so far. */
interface RowChange {
  lastMs: number;
  lastMsgId: number;
  /** Messages received in the conversation (0 for the sender's row and notes to oneself). */
  unread: number;
  /** The last message's position in the user's timeline. */
  lastSeq: number;
}

/**
 * The conversation rows of the 1:1 messages of one batch, written once per row at the end of the
 * batch instead of once per message. Each row ends as the messages one after the other would leave
 * it: the last message, its time, and the unread count raised by the messages received (up to
 * MAX_UNREAD, as each message's upsert caps it).
 *
 * Nothing reads a conversation row before the batch commits, except operations of the same batch:
 * the store flushes the buffer before any operation other than those that cannot touch these rows
 * (`keepsConversationsBuffered`), and at the end of every batch. After a rollback it is cleared.
 */
export class ConversationBuffer {
  /** By user, then by conversation (the peer's id). */
  private readonly rows = new Map<string, Map<string, RowChange>>();

  /**
   * The position of the newest entry of the user's 1:1 conversation (0: none yet), which a new
   * entry links to: as this batch left it, or as the row has it.
   */
  lastSeq(sql: Statements, userId: string, convId: string): number {
    return (
      this.rows.get(userId)?.get(convId)?.lastSeq ?? sql.conversationHead.get(userId, convId)?.last_seq ?? 0
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

  private touch(
    userId: string,
    convId: string,
    lastMs: number,
    lastMsgId: number,
    unread: number,
    lastSeq: number,
  ): void {
    let mine = this.rows.get(userId);
    if (!mine) {
      mine = new Map();
      this.rows.set(userId, mine);
    }
    const row = mine.get(convId);
    if (!row) mine.set(convId, { lastMs, lastMsgId, unread, lastSeq });
    else {
      row.lastMs = lastMs;
      row.lastMsgId = lastMsgId;
      row.unread += unread;
      row.lastSeq = lastSeq;
    }
  }

  /** Writes the rows changed since the last flush (inside the batch's transaction). */
  flush(sql: Statements): void {
    if (this.rows.size === 0) return;
    for (const [userId, mine] of this.rows)
      for (const [convId, r] of mine)
        sql.touchConversation.run(userId, convId, r.lastMs, r.lastMsgId, r.unread, r.lastSeq);
    this.rows.clear();
  }

  /** Drops what was not written (the batch rolled back). */
  clear(): void {
    this.rows.clear();
  }
}

/**
 * The operations that neither read nor write conversation rows (the 1:1 message path and its
 * confirmations), run with the rows of the batch's messages still buffered. Before any other
 * operation the store flushes the buffer.
 */
export function keepsConversationsBuffered(op: WriteOp): boolean {
  switch (op.kind) {
    case 'append':
      return !isGroupId(op.toId);
    case 'confirm':
    case 'confirmThrough':
    case 'reserve':
    case 'noticeDone':
    case 'presence':
      return true;
    default:
      return false;
  }
}
