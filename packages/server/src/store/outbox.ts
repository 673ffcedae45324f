import type { Store, WriteOp, WriteResult } from './store.js';

/**
 * The webhook outbox: events written by the store in the same transaction as the change they
 * describe, so an event exists exactly when its change committed. A dispatcher (`webhooks/`) reads
 * them in id order and marks them delivered; ids of one conversation follow its commit order (the
 * batch locks its users or group before it writes anything).
 */

/** An event to write with a batch: its ordering key, its type, when, and the exact body to POST. */
export interface OutboxEvent {
  /** Events of one conversation are delivered in order (a pair of users, a group, a user). */
  conv: string;
  type: string;
  timeMs: number;
  /** The JSON sent, as is, on every attempt. */
  body: string;
  /**
   * The user whose own words `body` carries (a message's text, a friend request's): deleting that
   * account blanks them in the stored event (`data.erased: true`), delivered or not.
   */
  fromId?: string;
}

/** A stored event. */
export interface OutboxRow extends OutboxEvent {
  id: number;
}

/**
 * What an applied operation adds to the outbox, from the operation and its result (what the store
 * did): nothing for an operation that changed nothing (a retry, a repeated read). Called inside
 * the write transaction: synchronous, pure, and must not throw.
 */
export type OutboxCapture = ((op: WriteOp, result: WriteResult) => readonly OutboxEvent[]) & {
  /** How another thread (the SQLite writer's) builds the same capture; none: it cannot. */
  recipe?: CaptureRecipe;
  /** The clock behind its times; the other thread's capture gets this clock's time per batch. */
  clock?: { now(): number };
};

/**
 * A capture rebuilt in another thread: `module` (a URL) exports `name`, a function called with
 * `options` (which must survive structured cloning) and a clock, that returns the capture.
 */
export interface CaptureRecipe {
  module: string;
  name: string;
  options: unknown;
}

/** The right to dispatch: one node of a cluster holds it at a time. */
export interface DispatchLease {
  /** Takes the lease if nobody holds it; true when this node holds it (now or already). */
  acquire(): Promise<boolean>;
  /** Whether this node still holds it (false once its hold was lost, e.g. with its connection). */
  held(): Promise<boolean>;
  release(): Promise<void>;
}

export interface Outbox {
  /**
   * Turns capturing on (`capture`) or off; `committed` is told after a transaction that wrote
   * events committed (so a dispatcher on this node need not wait for its next poll).
   */
  captureEvents(capture: OutboxCapture | undefined, committed?: () => void): void;
  /** Undelivered events, oldest first, skipping the conversations in `skipConvs`. */
  outboxPending(limit: number, skipConvs: readonly string[]): Promise<OutboxRow[]>;
  /**
   * The bodies of these events as stored now, by id; an event deleted meanwhile is missing. (An
   * account deletion blanks bodies: the dispatcher reads them again before it sends rows it holds.)
   */
  outboxBodies(ids: readonly number[]): Promise<Map<number, string>>;
  outboxDelivered(ids: readonly number[], nowMs: number): Promise<void>;
  /**
   * Deletes events created before `beforeMs` (at most `limit` of each kind per call): delivered
   * ones, and undelivered ones, which are counted.
   */
  outboxPurge(beforeMs: number, limit: number): Promise<{ delivered: number; undelivered: number }>;
  /** How many events are not delivered yet. */
  outboxBacklog(): Promise<number>;
  outboxLease(): DispatchLease;
}

/** Whether a store keeps an outbox (both built-in stores do). */
export function outboxOf(store: Store): Outbox | undefined {
  const outbox = (store as { outbox?: Outbox }).outbox;
  return outbox && typeof outbox.captureEvents === 'function' ? outbox : undefined;
}
