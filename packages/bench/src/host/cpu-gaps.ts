/**
 * How long a busy thread went without the CPU: a thread that only reads the clock, in a loop, sees
 * a gap between two readings only when it was not running (another thread had its CPU, or the
 * machine's host took the virtual CPU away). The host check (scenarios/host.ts) runs such threads.
 */

/** A gap between two readings longer than this (ms) is time the thread did not run. */
export const GAP_MS = 0.5;

export interface GapTally {
  /** Time the thread meant to run (ms): from its first reading to its last, sleeps left out. */
  spunMs: number;
  /** The part of it spent in gaps (ms). */
  lostMs: number;
  /** Gaps longer than 1 ms. */
  over1ms: number;
  /** Gaps longer than 4 ms. */
  over4ms: number;
  longestMs: number;
}

export const NO_GAPS: GapTally = { spunMs: 0, lostMs: 0, over1ms: 0, over4ms: 0, longestMs: 0 };

/** Counts the gaps in one thread's readings of the clock. */
export class GapMeter {
  private last: number | undefined;
  private t: GapTally = { ...NO_GAPS };

  /** A reading (ms); the first after a pause starts a new stretch. */
  read(now: number): void {
    const last = this.last;
    this.last = now;
    if (last === undefined) return;
    const gap = now - last;
    this.t.spunMs += gap;
    if (gap <= GAP_MS) return;
    this.t.lostMs += gap;
    if (gap > 1) this.t.over1ms++;
    if (gap > 4) this.t.over4ms++;
    if (gap > this.t.longestMs) this.t.longestMs = gap;
  }

  /** The thread sleeps on purpose: that is not a gap. */
  pause(): void {
    this.last = undefined;
  }

  tally(): GapTally {
    return { ...this.t };
  }
}

export function addGaps(a: GapTally, b: GapTally): GapTally {
  return {
    spunMs: a.spunMs + b.spunMs,
    lostMs: a.lostMs + b.lostMs,
    over1ms: a.over1ms + b.over1ms,
    over4ms: a.over4ms + b.over4ms,
    longestMs: Math.max(a.longestMs, b.longestMs),
  };
}

/** The length of one busy-then-idle cycle of a thread that keeps a CPU only partly busy (ms). */
export const DUTY_PERIOD_MS = 2;

/**
 * Keeps this thread busy for `durationMs`: all the time (`share` 1), or `share` of every
 * DUTY_PERIOD_MS and asleep for the rest. Returns the gaps it saw while it meant to run.
 */
export function spin(
  durationMs: number,
  share: number,
  clock: () => number = () => performance.now(),
): GapTally {
  const meter = new GapMeter();
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const end = clock() + durationMs;
  for (let start = clock(); start < end; start = clock()) {
    const busyUntil = share >= 1 ? end : Math.min(end, start + share * DUTY_PERIOD_MS);
    meter.pause();
    for (let now = start; ; now = clock()) {
      meter.read(now);
      if (now >= busyUntil) break;
    }
    if (share < 1) Atomics.wait(sleeper, 0, 0, (1 - share) * DUTY_PERIOD_MS);
  }
  return meter.tally();
}
