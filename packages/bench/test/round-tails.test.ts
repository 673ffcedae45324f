import { describe, expect, it } from 'vitest';
import { type LoadPartial, mergeRounds } from '../src/load/run-result.js';
import { latencyHistogram, recordUs } from '../src/metrics/histogram.js';
import { latencyTable } from '../src/report/load-markdown.js';
import type { LoadLevel } from '../src/scenarios/types.js';
import { syntheticRound } from './synthetic-round.js';

// No timing here: synthetic rounds with known ack latencies, and what the merge and the table make of them.

/** A round of 1,000 acks: `slowCount` of them at `tailMs`, the others at 1 ms (10 slow: its p99 is 1 ms). */
function round(tailMs: number, slowCount = 10): LoadPartial {
  const ackHist = latencyHistogram();
  for (let i = 0; i < 1000; i++) recordUs(ackHist, i < 1000 - slowCount ? 1000 : tailMs * 1000);
  return syntheticRound({ target: 'parley', ackHist });
}

describe("each round's ack p99", () => {
  it('is kept beside the p99 of all rounds together, in round order', () => {
    // the first round's tail is 2% of its acks: its own p99 is in the tail; the others' is 1 ms
    const run = mergeRounds([round(80, 20), round(5), round(40)]);
    expect(run.ackP99ByRound.map(Math.round)).toEqual([80, 1, 1]); // to the histogram's 0.1%
    // over all 3,000 acks the 40 slow ones are 1.3%: the merged p99 is in the tail
    expect(run.ack.p99).toBeGreaterThan(1);
    expect(run.ack.count).toBe(3000);
  });

  it('shows in the latency table', () => {
    const run = mergeRounds([round(80, 20), round(5)]);
    const level: LoadLevel = {
      label: '4 pairs, 1,000 msg/s offered',
      pairs: 4,
      window: null,
      offeredPerSec: 1000,
      runs: [run],
    };
    const md = latencyTable([level]);
    expect(md).toContain('ack p99 of each round (ms)');
    expect(md).toContain('| 80.1, 1.00 |');
  });
});
