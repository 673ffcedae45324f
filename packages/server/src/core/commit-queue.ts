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
 * The default least time between two batches sent to the store (`COMMIT_GAP_MS`): none, a batch
 * at every turn of the event loop. Every batch costs the same fixed work whatever its size (a
 * message to the SQLite writer thread and one back, each waking a thread, and a commit), and at
 * moderate rates a batch per turn holds only five or six operations. A gap of 1 ms made batches
 * two to three times larger and cut Parley's CPU per message by 7-13% at 10,000-17,600 msg/s, but
 * it adds about a millisecond to every ack under load: the ack p99 at half of saturation about doubled,
 * and clients that keep a window of messages in flight reached 4-9% less throughput at saturation
 * (docs/benchmarks.md, the twenty-fifth pass of issue 14). So it is a setting for a deployment
 * that would rather spend latency than CPU.
 */
export const COMMIT_GAP_MS = 0;

export interface CommitQueueOptions {
  /** The most operations one batch takes (default `COMMIT_MAX_BATCH`). */
  maxBatch?: number;
  /** The least time between two batches sent, in ms (default `COMMIT_GAP_MS`: a batch at every turn). */
  gapMs?: number;
  /** A batch failed and its operations are retried one by one. */
  onError?: (err: unknown, ops: number) => void;
  observer?: CommitObserver;
}

/**
 * Group commit: writes that arrive during one turn of the event loop are applied in one store
 * transaction, in arrival order, and each caller's promise settles only after that transaction
 * committed. While a batch is being written the next one gathers, and with `gapMs` a batch also
 * waits until that long after the one before it was sent (a full batch goes at once).
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
  /** A send is scheduled: at the end of this turn, or by `timer` once the gap has passed. */
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  /** When the last batch was sent (`performance.now()`). */
  private lastSent = Number.NEGATIVE_INFINITY;
  private readonly depth: number;
  private readonly maxBatch: number;
  private readonly gapMs: number;
  private readonly onError: (err: unknown, ops: number) => void;
  private readonly observer: CommitObserver;
  private readonly runNow = () => this.run();

  constructor(
    private readonly store: Store,
    opts: CommitQueueOptions = {},
  ) {
    this.depth = Math.max(1, store.pipelineDepth ?? 1);
    this.maxBatch = opts.maxBatch ?? COMMIT_MAX_BATCH;
    this.gapMs = opts.gapMs ?? COMMIT_GAP_MS;
    this.onError = opts.onError ?? (() => {});
    this.observer = opts.observer ?? unobserved;
  }

  enqueue<K extends WriteKind>(op: { kind: K } & WriteOps[K]['op']): Promise<WriteResultOf<K>> {
    return new Promise((resolve, reject) => {
      const at = performance.now();
      this.queue.push({ op: op as WriteOp, resolve: resolve as (r: WriteResult) => void, reject, at });
      if (this.timer && this.queue.length >= this.maxBatch) {
        // a full batch does not wait for the gap
        clearTimeout(this.timer);
        this.timer = undefined;
        setImmediate(this.runNow);
      } else this.schedule();
    });
  }

  /** Resolves once everything enqueued so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.inFlight > 0 || this.queue.length > 0) {
      this.run(); // a batch at each pass, without waiting for the gap
      await this.tail;
    }
  }

  /** Sends the next batch once a slot is free: at the end of this turn, or when the gap has passed. */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.depth || this.queue.length === 0) return;
    this.scheduled = true;
    const wait = this.queue.length >= this.maxBatch ? 0 : this.lastSent + this.gapMs - performance.now();
    if (wait <= 0) setImmediate(this.runNow);
    else this.timer = setTimeout(this.runNow, Math.ceil(wait));
  }

  /** Sends what the free slots take; after the first batch the rest waits for the gap unless it fills a batch. */
  private run(): void {
    this.scheduled = false;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    let sent = false;
    while (this.queue.length > 0 && this.inFlight < this.depth) {
      if (sent && this.gapMs > 0 && this.queue.length < this.maxBatch) break;
      this.send(this.queue.splice(0, this.maxBatch));
      sent = true;
    }
    this.schedule();
  }

  private send(batch: Entry[]): void {
    const sent = performance.now();
    this.lastSent = sent;
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
      // without a gap the next batch goes at once, in this turn; with one, once the gap has passed
      if (this.gapMs > 0) this.schedule();
      else if (this.queue.length > 0) this.run();
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
