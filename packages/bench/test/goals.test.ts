import { describe, expect, it } from 'vitest';
import { mergeRounds } from '../src/load/run-result.js';
import { latencyHistogram, recordUs } from '../src/metrics/histogram.js';
import { ACK_P99_TARGET_MS, cpuSplitNote, hostNote, insideNote, latencyFloor } from '../src/report/goals.js';
import { syntheticRound } from './synthetic-round.js';

// A fixed-rate relay run whose acks took `ackMs` (every one) and whose sends lagged `lagMs`.
function relayRun(ackMs: number, lagMs: number) {
  const ackHist = latencyHistogram();
  const lagHist = latencyHistogram();
  for (let i = 0; i < 100; i++) {
    recordUs(ackHist, ackMs * 1000);
    recordUs(lagHist, lagMs * 1000);
  }
  const part = syntheticRound({
    spec: { pairs: 4, rate: 100, warmupS: 0, durationS: 1 },
    counts: { sent: 100, acked: 100, delivered: 100 },
    ackHist,
    lagHist,
    generatorGc: { count: 3, totalMs: 12, maxMs: 6.5 },
    server: { cpuPercent: 10, rssStartMiB: 50, rssPeakMiB: 60, rssEndMiB: 55 },
    generatorCpuPercent: 10,
    totals: { sent: 100, acked: 100, delivered: 100, refused: 0 },
  });
  return mergeRounds([part]);
}

describe('the ack p99 goal beside the machine floor', () => {
  it("quotes the relay's p99 and the generator's lag at the same rate", () => {
    const text = latencyFloor(relayRun(4, 1));
    expect(text).toMatch(
      /the ws relay 4\.\d+ ms, the generator's send lag p99 1\.\d+ ms and its longest GC pause 6\.50 ms/,
    );
    expect(text).not.toContain('misses the target');
  });

  it('says so when the bare relay misses the target too, and under which scheduling', () => {
    const timeShared = latencyFloor(relayRun(ACK_P99_TARGET_MS * 3, 9));
    expect(timeShared).toContain('the bare relay misses the target too under the default scheduler');
    expect(timeShared).toContain('--realtime');
    expect(timeShared).not.toContain("this machine's floor");

    const realtime = latencyFloor(relayRun(ACK_P99_TARGET_MS * 3, 9), true);
    expect(realtime).toMatch(/^ \(under real-time scheduling, the ws relay 30\.\d+ ms/);
    expect(realtime).toContain("the bare relay misses the target too, so this machine's floor is above it");
  });

  it('names real-time scheduling when the relay meets the target under it', () => {
    const text = latencyFloor(relayRun(4, 1), true);
    expect(text).toContain('under real-time scheduling, the ws relay 4.');
    expect(text).not.toContain('misses the target');
  });

  it('adds nothing without a relay run', () => {
    expect(latencyFloor(undefined)).toBe('');
  });
});

describe("the throughput goal's CPU by thread", () => {
  it("sets Parley's event loop beside the relay's, and adds up what its other threads cost", () => {
    const relay = relayRun(4, 1);
    const parley = {
      ...relay,
      target: 'parley' as const,
      serverCpuSplitUsPerMsg: {
        eventLoopUser: 20,
        eventLoopSystem: 12.5,
        otherUser: 20,
        otherSystem: 5,
        rest: 6,
      },
    };
    const ws = {
      ...relay,
      serverCpuSplitUsPerMsg: {
        eventLoopUser: 22,
        eventLoopSystem: 15,
        otherUser: 0.3,
        otherSystem: 0.1,
        rest: 1,
      },
    };
    expect(cpuSplitNote(parley, ws)).toBe(
      "; CPU per message: Parley's event loop 32.5 µs against the relay's 37.0 µs, its writer and other threads 31.0 µs more",
    );
    // without the split on either side (a cluster, no /proc), nothing
    expect(cpuSplitNote(relay, ws)).toBe('');
    expect(cpuSplitNote(parley, relay)).toBe('');
  });
});

describe("the ack p99 row's note on Parley's own timing", () => {
  it("gives the share over the target inside Parley beside the generator's, and its own p99s", () => {
    const ackHist = latencyHistogram();
    for (let i = 0; i < 100; i++) recordUs(ackHist, i < 95 ? 2_000 : 30_000);
    const parley = mergeRounds([
      syntheticRound({
        target: 'parley',
        ackHist,
        serverHists: {
          ack: { bounds: [0.01, 0.025, Number.POSITIVE_INFINITY], cumulative: [98, 100, 100] },
          wait: { bounds: [0.01, Number.POSITIVE_INFINITY], cumulative: [100, 100] },
          commit: { bounds: [0.001, 0.01, Number.POSITIVE_INFINITY], cumulative: [50, 100, 100] },
        },
      }),
    ]);
    expect(insideNote(parley)).toBe(
      '; acks over 10 ms: 5.00% as the generator saw them, 2.00% inside Parley ' +
        "(its own ack p99 17.5 ms, its commit's p99 9.8 ms)",
    );
    expect(insideNote(mergeRounds([syntheticRound({ target: 'parley', ackHist })]))).toBe('');
  });
});

describe('the machine beside the ack p99 goal', () => {
  const gaps = (longestMs: number, over4ms: number) => ({
    spunMs: 8000,
    lostMs: 40,
    over1ms: 9,
    over4ms,
    longestMs,
  });

  it('quotes the longest gap and the gaps over 4 ms with every CPU busy', () => {
    const text = hostNote({
      kind: 'host',
      cpus: 2,
      secondsPerRound: 8,
      levels: [
        { busyCpus: 1, rounds: [gaps(99, 7)] },
        { busyCpus: 2, rounds: [gaps(6.2, 1), gaps(27.8, 3)] },
      ],
    });
    expect(text).toBe(
      "; this machine, all 2 CPUs busy: a busy thread's longest gap 27.8 ms, 4 gaps over 4 ms in 2 × 8 s (host)",
    );
  });

  it('adds nothing when the host check did not run', () => {
    expect(hostNote(undefined)).toBe('');
  });
});
