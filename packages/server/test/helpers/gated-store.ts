import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TimelineEntry } from '../../src/store/store.js';

/**
 * A SqliteStore whose backlog reads can be held back or made to fail per user, to test what a
 * connection does while its backlog replay is slow or broken.
 */
export class GatedStore extends SqliteStore {
  private readonly holds = new Map<string, { released: Promise<void>; reached: () => void }>();
  /** Users whose backlog reads throw. */
  readonly failing = new Set<string>();

  /**
   * Holds `userId`'s next backlog reads until `release` is called; `reached` resolves once a replay
   * is waiting on the hold.
   */
  hold(userId: string): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const reachedP = new Promise<void>((r) => {
      reached = r;
    });
    this.holds.set(userId, { released, reached });
    return {
      reached: reachedP,
      release: () => {
        this.holds.delete(userId);
        release();
      },
    };
  }

  override async pendingMessages(userId: string, afterSeq: number, limit: number): Promise<TimelineEntry[]> {
    if (this.failing.has(userId)) throw new Error('injected backlog read failure');
    const hold = this.holds.get(userId);
    if (hold) {
      hold.reached();
      await hold.released;
    }
    return super.pendingMessages(userId, afterSeq, limit);
  }
}
