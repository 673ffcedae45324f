import type { ErrorCodeValue } from '@parley/protocol';

/**
 * What the server counts for `/metrics`. The gateway and the core call these on their hot paths
 * (per frame, per commit), so implementations must be cheap: no allocation, no label strings.
 */
export interface Metrics {
  /** A WebSocket frame arrived: its action (`'1'` … `'22'`), or undefined for one that was refused unread or did not parse. */
  frameIn(action: string | undefined): void;
  /** A serialized frame was handed to a client's socket. */
  frameOut(frame: string): void;
  /** An error frame (action 0) was sent with this code. */
  errorSent(code: ErrorCodeValue): void;
  /** A message was stored for the first time (its retries and refused messages are not). */
  messageStored(): void;
  /** A group commit is about to write this many operations in one transaction. */
  commitBatch(ops: number): void;
  /** One operation of that group commit waited `ms` in the queue for it. */
  commitWaited(ms: number): void;
  /**
   * The store answered a group commit of `ops` operations `ms` after it was handed over (the
   * transaction and the thread hops): counted once for each of its operations.
   */
  commitWritten(ms: number, ops: number): void;
  /**
   * A client frame was handled without error; `receivedAt` is `performance.now()` when the session
   * got it. Action 3 (up to its acknowledgement) and action 12 (up to the history page) are timed.
   */
  handled(action: string, receivedAt: number): void;
}

/** Counts nothing: the default where no metrics are wanted (unit tests, embedded cores). */
export const noMetrics: Metrics = {
  frameIn: () => {},
  frameOut: () => {},
  errorSent: () => {},
  messageStored: () => {},
  commitBatch: () => {},
  commitWaited: () => {},
  commitWritten: () => {},
  handled: () => {},
};
