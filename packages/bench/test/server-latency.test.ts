import { describe, expect, it } from 'vitest';
import { mergeRounds } from '../src/load/run-result.js';
import { latencyHistogram, recordUs, shareAboveMs } from '../src/metrics/histogram.js';
import {
  addUp,
  between,
  bucketQuantile,
  parseHistograms,
  serverLatencyOf,
  shareAbove,
} from '../src/metrics/server-latency.js';
import { latencyTable } from '../src/report/load-markdown.js';
import { syntheticRound } from './synthetic-round.js';

// No server here: Prometheus text as Parley's /metrics writes it, and what the run makes of it.

const BOUNDS = ['0.001', '0.01', '0.1', '+Inf'];

/** One scrape: cumulative counts per bound for each of the three histograms, among other lines. */
function exposition(ack: number[], wait: number[], commit: number[]): string {
  const lines = ['# HELP parley_messages_stored_total Messages stored', 'parley_messages_stored_total 12'];
  const hist = (name: string, counts: number[]) => {
    lines.push(`# TYPE ${name} histogram`);
    for (const [i, n] of counts.entries()) lines.push(`${name}_bucket{le="${BOUNDS[i]}"} ${n}`);
    lines.push(`${name}_sum 1.5`, `${name}_count ${counts[counts.length - 1]}`);
  };
  hist('parley_ack_latency_seconds', ack);
  hist('parley_history_latency_seconds', [5, 5, 5, 5]);
  hist('parley_commit_wait_seconds', wait);
  hist('parley_commit_seconds', commit);
  return lines.join('\n');
}

describe("Parley's own latencies from /metrics", () => {
  const before = parseHistograms(exposition([10, 10, 10, 10], [2, 2, 2, 2], [1, 2, 2, 2]));
  const after = parseHistograms(exposition([110, 200, 210, 210], [50, 100, 102, 102], [1, 80, 102, 102]));

  it('reads the three histograms and only them', () => {
    expect(Object.keys(before).sort()).toEqual(['ack', 'commit', 'wait']);
    expect(before.ack!.bounds).toEqual([0.001, 0.01, 0.1, Number.POSITIVE_INFINITY]);
    expect(after.commit!.cumulative).toEqual([1, 80, 102, 102]);
  });

  it('takes the window between two scrapes, adds windows up, and reads quantiles as Prometheus does', () => {
    const window = between(before, after);
    expect(window.ack!.cumulative).toEqual([100, 190, 200, 200]);
    // rank 198 of 200 is the 8th of the 10 observations between 10 and 100 ms
    expect(bucketQuantile(window.ack!, 0.99)).toBeCloseTo(10 + 90 * 0.8, 6);
    expect(bucketQuantile(window.ack!, 0.25)).toBeCloseTo(0.5, 6);
    expect(shareAbove(window.ack!, 0.01)).toBeCloseTo(5, 6); // 10 of 200
    expect(() => shareAbove(window.ack!, 0.02)).toThrow('not a bucket bound');
    const two = addUp(window, window);
    expect(two.commit!.cumulative).toEqual([0, 156, 200, 200]);
    const s = serverLatencyOf(two)!;
    expect(s.operations).toBe(200);
    expect(s.ackOver10msPercent).toBeCloseTo(5, 6);
    expect(s.waitP99Ms).toBeCloseTo(10 + 90 * ((198 - 196) / 4), 6);
    expect(s.commitP99Ms).toBeCloseTo(10 + 90 * ((198 - 156) / 44), 6);
  });

  it('gives the last finite bound for a quantile in the open bucket, and nothing without the histograms', () => {
    const open = parseHistograms(exposition([0, 0, 0, 4], [0, 0, 0, 4], [0, 0, 0, 4]));
    expect(bucketQuantile(open.ack!, 0.99)).toBeCloseTo(100, 6);
    expect(serverLatencyOf(undefined)).toBeUndefined();
    expect(serverLatencyOf({ ack: open.ack! })).toBeUndefined();
  });

  it("sits beside the generator's share over 10 ms in the latency table", () => {
    const ackHist = latencyHistogram();
    for (let i = 0; i < 1000; i++) recordUs(ackHist, i < 970 ? 2_000 : 20_000);
    expect(shareAboveMs(ackHist, 10)).toBeCloseTo(3, 2);
    expect(shareAboveMs(ackHist, 30)).toBe(0);
    const serverHists = between(before, after);
    const parley = mergeRounds([syntheticRound({ target: 'parley', ackHist, serverHists })]);
    const relay = mergeRounds([syntheticRound({ target: 'ws', ackHist })]);
    expect(parley.ackOver10msPercent).toBeCloseTo(3, 2);
    expect(parley.serverLatency?.ackOver10msPercent).toBeCloseTo(5, 6);
    expect(relay.serverLatency).toBeUndefined();
    const md = latencyTable([
      {
        label: '4 pairs, 1,000 msg/s offered',
        pairs: 4,
        window: null,
        offeredPerSec: 1000,
        runs: [parley, relay],
      },
    ]);
    expect(md).toContain('acks over 10 ms: generator / inside Parley');
    expect(md).toContain('| 3.00% / 5.00% |');
    expect(md).toContain('| 3.00% / – |');
    expect(md).toContain('| 82.0 / 55.0 / 95.9 |');
  });
});
