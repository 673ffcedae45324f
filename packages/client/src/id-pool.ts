/**
 * Message ids from action 2, fetched ahead of need: whenever fewer than `lowWater` ids are left,
 * one batch is requested (one request at a time), so `take()` normally answers without a round
 * trip. Ids are reserved on the server per user and durably, so pooled ids stay valid across
 * reconnects and server restarts, but only for a while (the server's RESERVATION_TTL_MS, 24 h by
 * default): ids pooled longer than `maxAgeMs` are dropped instead of used.
 */
export class IdPool {
  private readonly ids: string[] = [];
  /** When each pooled id was fetched, index for index with `ids`. */
  private readonly fetchedAt: number[] = [];
  private waiters: { resolve: (id: string) => void; reject: (err: unknown) => void }[] = [];
  private fetching = false;

  constructor(
    private readonly fetchBatch: () => Promise<string[]>,
    readonly lowWater: number,
    readonly maxAgeMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.ids.length;
  }

  /** The next id: at once when the pool has one, otherwise after the next batch arrives. */
  take(): Promise<string> {
    this.dropStale();
    const id = this.ids.shift();
    this.fetchedAt.shift();
    this.refill();
    if (id !== undefined) return Promise.resolve(id);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.refill();
    });
  }

  /** Starts fetching when below the low-water mark (or someone waits) and nothing is in flight. */
  refill(): void {
    if (this.fetching || (this.ids.length >= this.lowWater && this.waiters.length === 0)) return;
    this.fetching = true;
    void this.fetchLoop();
  }

  /** Ids are fetched in order, so the stale ones are at the front. */
  private dropStale(): void {
    const oldest = this.now() - this.maxAgeMs;
    let n = 0;
    while (n < this.fetchedAt.length && this.fetchedAt[n]! < oldest) n++;
    this.ids.splice(0, n);
    this.fetchedAt.splice(0, n);
  }

  /** Fails whoever waits (the pool itself keeps its ids). */
  failWaiters(err: unknown): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(err);
  }

  private async fetchLoop(): Promise<void> {
    try {
      while (this.ids.length < this.lowWater || this.waiters.length > 0) {
        const batch = (await this.fetchBatch()).filter((id) => id.length > 0);
        if (batch.length === 0) throw new Error('the server returned no message ids');
        const at = this.now();
        this.ids.push(...batch);
        this.fetchedAt.push(...batch.map(() => at));
        while (this.waiters.length > 0 && this.ids.length > 0) {
          this.fetchedAt.shift();
          this.waiters.shift()!.resolve(this.ids.shift()!);
        }
      }
    } catch (err) {
      this.failWaiters(err);
    } finally {
      this.fetching = false;
    }
  }
}
