import type { Clock } from '../../src/core/clock.js';

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1, 12)): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}
