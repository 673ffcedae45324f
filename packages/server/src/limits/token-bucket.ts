/**
 * Token buckets: `ratePerSecond` tokens flow in, up to `burst`; an action takes `cost` tokens or is
 * refused. A rate of 0 means unlimited.
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
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
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

  /** Drops buckets that are full, so idle users cost no memory. */
  sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}
