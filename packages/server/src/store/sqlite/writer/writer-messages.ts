import type { CaptureRecipe } from '../../outbox.js';

/** What the SQLite writer thread is started with. */
export interface WriterData {
  /** The data folder (holding parley.db), migrated already. */
  dir: string;
  synchronous: 'normal' | 'full';
  checkpointIntervalMs: number;
}

/** A call from the event loop to the writer thread; answered by a `WriterReply` with the same id. */
export type WriterCall =
  /** `batch`: the operations as `encodeOps` wrote them. */
  | { id: number; kind: 'write'; batch: unknown[]; nowMs: number }
  | { id: number; kind: 'outboxDelivered'; ids: readonly number[]; nowMs: number }
  | { id: number; kind: 'outboxPurge'; beforeMs: number; limit: number }
  | { id: number; kind: 'capture'; recipe: CaptureRecipe | undefined }
  | { id: number; kind: 'ping' }
  /** Write the conversation and pending rows held in memory (the event loop is about to read them). */
  | { id: number; kind: 'flushHeld' }
  | { id: number; kind: 'close' };

/** What the thread reports on its own, outside any call: a line of its log (thread-log.ts). */
export interface WriterNotice {
  notice: 'log';
  line: string;
}

/** An error as it crosses threads: what logs and callers look at. */
export interface WriterError {
  name: string;
  message: string;
  code?: string;
}

export type WriterReply =
  /**
   * `batchError`: the batch failed as a whole and was retried op by op (`value` has each outcome).
   * `holdsRows` (after a write): the thread holds conversation or pending rows not written yet.
   */
  | {
      id: number;
      ok: true;
      value: unknown;
      wroteEvents?: boolean;
      batchError?: WriterError;
      holdsRows?: boolean;
    }
  | { id: number; ok: false; error: WriterError }
  /** The thread could not open the database: every call fails until it is restarted. */
  | { id: -1; ok: false; error: WriterError };
