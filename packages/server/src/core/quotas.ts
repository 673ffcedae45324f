import type { CoreConfig } from './chat-core.js';
import type { Clock } from './clock.js';
import type { CommitQueue } from './commit-queue.js';

/**
 * The quota rules of the core, as cut-offs and bounds handed to the store's conditional writes:
 * the store only applies them atomically, the decisions are made here.
 */

/** Reservations made before this instant have expired. */
export function reservationsValidFrom(config: CoreConfig, nowMs: number): number {
  return nowMs - config.reservationTtlMs;
}

/** A rejection at or after this instant still blocks a new friend request to the same user. */
export function friendCooldownFrom(config: CoreConfig, nowMs: number): number {
  // a cooldown of 0 blocks nothing, not even a rejection in this very millisecond
  return config.friendRequestCooldownMs === 0
    ? Number.MAX_SAFE_INTEGER
    : nowMs - config.friendRequestCooldownMs + 1;
}

const DAY_MS = 24 * 3600_000;

/** A charge against an upload quota, to settle once the upload's real size is known. */
export interface UploadCharge {
  /** Gives back what was charged beyond `actualBytes` (all of it for a failed upload: 0). */
  settle(actualBytes: number): Promise<void>;
}

/**
 * Bytes an owner (a user, or an address in open mode) may upload per UTC day. An upload is charged
 * up front, before its body is read (its Content-Length, or the most it may be), so concurrent
 * uploads cannot pass the quota together; the difference is given back when it ends.
 */
export class UploadQuota {
  constructor(
    private readonly commits: CommitQueue,
    private readonly clock: Clock,
    readonly maxBytesPerDay: number,
  ) {}

  /** Charges `bytes` to `owner` for today; undefined when that would pass the quota. */
  async charge(owner: string, bytes: number): Promise<UploadCharge | undefined> {
    const day = Math.floor(this.clock.now() / DAY_MS);
    const { charged } = await this.commits.enqueue({
      kind: 'chargeUpload',
      owner,
      day,
      bytes,
      maxBytes: this.maxBytesPerDay,
    });
    if (!charged) return undefined;
    return {
      settle: async (actualBytes) => {
        const refund = bytes - actualBytes;
        if (refund > 0) await this.commits.enqueue({ kind: 'refundUpload', owner, day, bytes: refund });
      },
    };
  }

  /** Seconds until the quota starts afresh (the next UTC day). */
  secondsToReset(): number {
    const now = this.clock.now();
    return Math.ceil((DAY_MS - (now % DAY_MS)) / 1000);
  }
}
