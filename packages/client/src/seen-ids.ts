/** A bounded set with least-recently-used eviction, for dropping duplicate frames by id. */
export class SeenIds {
  private readonly keys = new Map<string, true>();

  constructor(readonly capacity: number) {}

  /** True if `key` was seen before (and marks it recent); otherwise remembers it and returns false. */
  check(key: string): boolean {
    if (this.keys.has(key)) {
      this.keys.delete(key);
      this.keys.set(key, true);
      return true;
    }
    this.keys.set(key, true);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next();
      if (!oldest.done) this.keys.delete(oldest.value);
    }
    return false;
  }

  get size(): number {
    return this.keys.size;
  }
}
