import type { CoreConfig } from './chat-core.js';

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
