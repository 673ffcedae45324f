import { build, type Histogram } from 'hdr-histogram-js';

export type { Histogram };

/** Latency figures in milliseconds. */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Points of the latency distribution, `[percentile, milliseconds]`, for the SVG chart. */
export type LatencyCurve = Array<[number, number]>;

export const CURVE_PERCENTILES = [
  0, 10, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.75, 99.9, 99.95, 99.99, 99.999, 100,
] as const;

/**
 * An HDR histogram of latencies recorded in microseconds: 1 µs to 2 minutes at 3 significant
 * digits (so 0.1% resolution), growing past that if needed.
 */
export function latencyHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    autoResize: true,
  });
}

/** Records a latency given in microseconds (values under 1 µs count as 1 µs). */
export function recordUs(h: Histogram, us: number): void {
  h.recordValue(us < 1 ? 1 : Math.round(us));
}

const ms = (us: number) => Math.round(us) / 1000;

export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    count: h.totalCount,
    mean: ms(h.mean),
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
  };
}

export function curve(h: Histogram): LatencyCurve {
  if (h.totalCount === 0) return [];
  return CURVE_PERCENTILES.map((p) => [p, ms(p === 100 ? h.maxValue : h.getValueAtPercentile(p))]);
}

/** The share of recorded latencies above `ms` milliseconds, in percent (to the histogram's precision). */
export function shareAboveMs(h: Histogram, ms: number): number {
  const us = ms * 1000;
  if (h.totalCount === 0 || h.maxValue <= us) return 0;
  // the lowest percentile whose value is above the bound, by bisection
  let atOrBelow = 0;
  let above = 100;
  for (let i = 0; i < 30; i++) {
    const mid = (atOrBelow + above) / 2;
    if (h.getValueAtPercentile(mid) <= us) atOrBelow = mid;
    else above = mid;
  }
  return 100 - atOrBelow;
}
