import type { Store, WriteKind, WriteOp, WriteOps, WriteResult, WriteResultOf } from '../store/store.js';

interface Entry {
  op: WriteOp;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
  /** When it was enqueued (`performance.now()`). */
  at: number;
}

/** What the queue reports of each group commit (`/metrics`); called on the hot path. */
export interface CommitObserver {
  /** A batch of `ops` operations goes to the store. */
  batch(ops: number): void;
  /** An operation of that batch waited this long in the queue for it (ms); once per operation. */
  waited(ms: number): void;
  /** The store answered a batch of `ops` operations (or failed it) this long after it was handed over (ms). */
  written(ms: number, ops: number): void;
}

const unobserved: CommitObserver = { batch: () => {}, waited: () => {}, written: () => {} };

/**
 * The most operations one batch takes. Every operation of a batch is answered when the whole batch
 * has committed, so when a stall leaves a backlog (a checkpoint, a garbage-collection pause, a
 * thread waiting for a CPU), a batch of it all makes its first operations wait for the last. In
 * batches of 256 the backlog drains in commits of a few milliseconds, answered one after the other.
 * Against batches of up to 1,000, at 12,000 msg/s this cut the share of acks over 10 ms by about two
 * fifths and Parley's own ack p99 from 24-66 ms to 20-22 ms, at the same CPU per message; the
 * throughput at saturation stayed within its noise (docs/benchmarks.md, the sixteenth pass of issue 14).
 */
export const COMMIT_MAX_BATCH = 256;

/**
 * Group commit: writes that arrive during one turn of the event loop are applied in one store
 * transaction, in arrival order, and each caller's promise settles only after that transaction
 * committed. While a batch is being written the next one gathers.
 *
 * A store that applies batches strictly in the order it receives them, elsewhere than on this
 * thread (`Store.pipelineDepth` > 1: SQLite's writer thread), gets the next batch before the
 * previous one is answered, so it never waits for this thread between two batches. Results are
 * still settled in batch order, and the fallback after a failed batch (one transaction per
 * operation) waits for the batches before it, so one connection's writes keep their order.
 * Such a store also answers a failed operation inside a batch with an `Error` in its place in the
 * results (it already retried the batch operation by operation), which fails that caller alone.
 */
export class CommitQueue {
  private queue: Entry[] = [];
  /** Batches sent and not settled yet. */
  private inFlight = 0;
  /** Settles after the newest batch sent was settled (in order). */
  private tail: Promise<void> = Promise.resolve();
  private scheduled = false;
  private readonly depth: number;

  constructor(
    private readonly store: Store,
    private readonly maxBatch = COMMIT_MAX_BATCH,
    private readonly onError: (err: unknown, ops: number) => void = () => {},
    private readonly observer: CommitObserver = unobserved,
  ) {
    this.depth = Math.max(1, store.pipelineDepth ?? 1);
  }

  enqueue<K extends WriteKind>(op: { kind: K } & WriteOps[K]['op']): Promise<WriteResultOf<K>> {
    return new Promise((resolve, reject) => {
      const at = performance.now();
      this.queue.push({ op: op as WriteOp, resolve: resolve as (r: WriteResult) => void, reject, at });
      if (!this.scheduled && this.inFlight < this.depth) {
        this.scheduled = true;
        setImmediate(() => this.run());
      }
    });
  }

  /** Resolves once everything enqueued so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.inFlight > 0 || this.queue.length > 0) {
      this.run();
      await this.tail;
    }
  }

  private run(): void {
    this.scheduled = false;
    while (this.queue.length > 0 && this.inFlight < this.depth)
      this.send(this.queue.splice(0, this.maxBatch));
  }

  private send(batch: Entry[]): void {
    const sent = performance.now();
    this.observer.batch(batch.length);
    for (const e of batch) this.observer.waited(sent - e.at);
    this.inFlight++;
    const written = this.store.write(batch.map((e) => e.op));
    const answered = () => this.observer.written(performance.now() - sent, batch.length);
    written.then(answered, answered); // its failure is handled below, in turn
    const previous = this.tail;
    this.tail = (async () => {
      await previous;
      try {
        settle(batch, await written);
      } catch (err) {
        this.onError(err, batch.length);
        // One bad operation must not fail the others: retry each in a transaction of its own.
        for (const entry of batch) {
          try {
            settle([entry], await this.store.write([entry.op]));
          } catch (e) {
            entry.reject(e);
          }
        }
      }
      this.inFlight--;
      if (this.queue.length > 0) this.run();
    })();
  }
}

function settle(batch: Entry[], results: WriteResult[]): void {
  for (let i = 0; i < batch.length; i++) {
    const r = results[i] as WriteResult | Error;
    if (r instanceof Error) batch[i]!.reject(r);
    else batch[i]!.resolve(r);
  }
}
