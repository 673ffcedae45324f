/**
 * Token buckets: `ratePerSecond` tokens flow in, up to `burst`; an action takes `cost` tokens or is
 * refused (or, with `waitMs`, waits until they are there). A rate of 0 means unlimited.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now: number, cost = 1): boolean {
    if (this.ratePerSecond === 0) return true;
    this.refill(now);
    const need = Math.min(cost, this.burst);
    if (this.tokens < need) return false;
    this.tokens -= need;
    return true;
  }

  /** Milliseconds until `cost` tokens are there (0: now); takes nothing. */
  waitMs(now: number, cost = 1): number {
    if (this.ratePerSecond === 0) return 0;
    this.refill(now);
    const missing = Math.min(cost, this.burst) - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.ratePerSecond) * 1000);
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
    }
  }

  /** Full again: nothing to remember about this key. */
  isFull(now: number): boolean {
    return this.tokens + ((now - this.last) / 1000) * this.ratePerSecond >= this.burst;
  }
}

/** One bucket per key (a user id), forgotten once it has refilled. */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  take(key: string, now: number, cost = 1): boolean {
    if (this.ratePerSecond === 0) return true;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerSecond, this.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now, cost);
  }

  /** Milliseconds until `key` has `cost` tokens (0: now); takes nothing. */
  waitMs(key: string, now: number, cost = 1): number {
    return this.buckets.get(key)?.waitMs(now, cost) ?? 0;
  }

  /** Drops buckets that are full, so idle users cost no memory. */
  sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}
