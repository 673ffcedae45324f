import type { Store, WriteKind, WriteOp, WriteOps, WriteResult, WriteResultOf } from '../store/store.js';

interface Entry {
  op: WriteOp;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: writes that arrive during one turn of the event loop are applied in one store
 * transaction, in arrival order, and each caller's promise settles only after that transaction
 * committed. While a batch is being written the next one gathers.
 */
export class CommitQueue {
  private queue: Entry[] = [];
  private running: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly maxBatch = 1000,
    private readonly onError: (err: unknown, ops: number) => void = () => {},
    /** Called with the size of each group commit before it is written. */
    private readonly onBatch: (ops: number) => void = () => {},
  ) {}

  enqueue<K extends WriteKind>(op: { kind: K } & WriteOps[K]['op']): Promise<WriteResultOf<K>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op: op as WriteOp, resolve: resolve as (r: WriteResult) => void, reject });
      if (!this.scheduled && !this.running) {
        this.scheduled = true;
        setImmediate(() => this.run());
      }
    });
  }

  /** Resolves once everything enqueued so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.running || this.queue.length > 0) {
      if (!this.running) this.run();
      await this.running;
    }
  }

  private run(): void {
    this.scheduled = false;
    if (this.running || this.queue.length === 0) return;
    this.running = this.flush().finally(() => {
      this.running = undefined;
      if (this.queue.length > 0) this.run();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.onBatch(batch.length);
      try {
        settle(batch, await this.store.write(batch.map((e) => e.op)));
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
    }
  }
}

function settle(batch: Entry[], results: WriteResult[]): void {
  for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i] as WriteResult);
}
