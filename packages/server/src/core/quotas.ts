import type { CoreConfig } from './chat-core.js';

/**
 * The quota rules of the core, as cut-offs and bounds handed to the store's conditional writes:
 * the store only applies them atomically, the decisions are made here.
 */

/** Reservations made before this instant have expired. */
export function reservationsValidFrom(config: CoreConfig, nowMs: number): number {
  return nowMs - config.reservationTtlMs;
}
