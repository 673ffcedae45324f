import type { EntryBuffer } from './entry-buffer.js';
import type { PendingBuffer } from './pending-buffer.js';
import type { Statements } from './statements.js';

/** What the writer knows of one user, loaded from the database when first needed. */
interface UserState {
  /** The last position of the user's timeline. */
  head: number;
  /** How many messages are pending for the user; undefined until a cap is checked. */
  pending: number | undefined;
  /** The users it blocked; undefined until a message to it is checked. */
  blocked: Set<string> | undefined;
}

/** Beyond this many users the facts are dropped between batches (and loaded again when needed). */
const MAX_USERS = 100_000;

/**
 * The facts of users that the 1:1 message path needs, kept in memory by the writer so that a
 * message costs no statement for them: whether the recipient exists and blocked the sender, how many
 * messages are pending for it (`maxPending`), and the next position of each timeline.
 *
 * Only this connection writes the file (the data-dir lock), and every write that changes one of
 * these facts goes through this class or tells it, so a fact loaded once stays true. Each is loaded
 * from the database as it is inside the running transaction, so the facts can be dropped at any time
 * between operations; they must be when a batch rolls back (`clear`). Reads of the store never use
 * them: they query the database, after the writer wrote what it holds (see `seqHead` in
 * statements.ts, `SqliteStore.flushHeld`).
 *
 * Positions: `users.seq_head` is no longer raised per message; a user's head is the larger of it and
 * the last position in `user_timeline`. Whoever deletes timeline entries first settles `seq_head` to
 * the head (`settleSeqHead`), so deleting the newest entry never makes a position reusable. The
 * entries the writer holds (entry-buffer.ts) are above both.
 */
export class UserFacts {
  private readonly users = new Map<string, UserState>();

  constructor(
    private readonly sql: Statements,
    /** The pending rows not written yet, which a count of the database's misses. */
    private readonly held: PendingBuffer,
    /** The timeline entries not written yet, whose positions the database's head misses. */
    private readonly entries: EntryBuffer,
  ) {}

  private state(userId: string): UserState | undefined {
    const known = this.users.get(userId);
    if (known) return known;
    const row = this.sql.seqHead.get(userId, userId);
    if (!row) return undefined; // unknown users are not remembered: a write may create them
    const head = Math.max(row.seq, this.entries.headOf(userId));
    const state: UserState = { head, pending: undefined, blocked: undefined };
    this.users.set(userId, state);
    return state;
  }

  exists(userId: string): boolean {
    return this.state(userId) !== undefined;
  }

  /** Draws the next position of an existing user's timeline. */
  nextSeq(userId: string): number {
    const state = this.state(userId);
    if (!state) throw new Error(`no timeline for ${userId}: not a user`);
    state.head += 1;
    return state.head;
  }

  /** Whether `userId` (an existing user) blocked `otherId`. */
  blocks(userId: string, otherId: string): boolean {
    const state = this.state(userId);
    if (!state) return false;
    state.blocked ??= new Set(this.sql.blocksOf.all(userId).map((r) => r.blocked_id));
    return state.blocked.has(otherId);
  }

  /** A block or unblock was written. */
  blockChanged(userId: string, otherId: string, blocked: boolean): void {
    const set = this.users.get(userId)?.blocked;
    if (!set) return;
    if (blocked) set.add(otherId);
    else set.delete(otherId);
  }

  /**
   * Counts one more message pending for an existing user, unless `max` are pending already (false,
   * nothing counted). The caller then inserts its pending row.
   */
  addPending(userId: string, max: number): boolean {
    const state = this.state(userId);
    if (!state) return false;
    state.pending ??= this.sql.pendingCount.get(userId)!.n + this.held.heldFor(userId);
    if (state.pending >= max) return false;
    state.pending += 1;
    return true;
  }

  /** `n` pending rows of the user were deleted. */
  pendingGone(userId: string, n: number): void {
    const state = this.users.get(userId);
    if (state?.pending !== undefined) state.pending -= n;
  }

  /** Before a batch: bounds the memory held (everything can be loaded again). */
  trim(): void {
    if (this.users.size > MAX_USERS) this.users.clear();
  }

  /** Forgets everything: after a rollback, or a change too wide to follow (an account erased). */
  clear(): void {
    this.users.clear();
  }
}
