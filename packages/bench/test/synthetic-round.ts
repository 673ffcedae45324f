import type { LoadPartial } from '../src/load/run-result.js';
import { latencyHistogram } from '../src/metrics/histogram.js';

/**
 * One measured round as the generator reports it, with made-up figures: 1,000 messages over 1 s,
 * sent, acked and delivered, empty latency histograms, nothing lost. Tests override what they
 * look at.
 */
export function syntheticRound(over: Partial<LoadPartial> = {}): LoadPartial {
  return {
    target: 'ws',
    spec: { pairs: 4, rate: 1000, warmupS: 0, durationS: 1 },
    measuredS: 1,
    connectS: 0.1,
    counts: { sent: 1000, acked: 1000, delivered: 1000 },
    ackHist: latencyHistogram(),
    e2eHist: latencyHistogram(),
    lagHist: latencyHistogram(),
    generatorGc: { count: 0, totalMs: 0, maxMs: 0 },
    server: { cpuPercent: 50, rssStartMiB: 50, rssPeakMiB: 60, rssEndMiB: 55 },
    generatorCpuPercent: 20,
    generatorThreads: 1,
    totals: { sent: 1000, acked: 1000, delivered: 1000, refused: 0 },
    integrity: { lost: 0, doubled: 0, outOfOrder: 0, unacked: 0, unanswered: 0, misrouted: 0 },
    errors: new Map(),
    ...over,
  };
}
