import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { type LoadPartial, mergeRounds } from '../src/load/run-result.js';
import { latencyHistogram } from '../src/metrics/histogram.js';
import { statTimes, threadTimes, ticksPerSecond } from '../src/metrics/proc.js';
import { addSplits, type CpuSplit, cpuSplitMeter, scaleSplit, splitOf } from '../src/metrics/thread-split.js';
import { cpuSplitTable } from '../src/report/cpu-split-markdown.js';

const t = (user: number, system: number) => ({ user, system });

describe('CPU by thread', () => {
  it("reads a thread's user and kernel time apart, whatever its name holds", () => {
    // pid 7, command "a) b" (a space and a parenthesis), state R, then fields 4-13, utime 250, stime 50
    const stat = `7 (a) b) R 1 7 7 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 3 0 1 2 3`;
    const hz = ticksPerSecond();
    expect(statTimes(stat)).toEqual({ user: 250 / hz, system: 50 / hz });
  });

  it('splits a window into the event loop, the busiest other thread and the rest', () => {
    const before = new Map([
      ['100', t(1, 1)],
      ['101', t(5, 1)],
      ['102', t(0.5, 0)],
      ['103', t(9, 9)], // ended in the window: its time is not counted
    ]);
    const after = new Map([
      ['100', t(2, 1.5)], // main: 1 s user, 0.5 s kernel
      ['101', t(6.5, 1.5)], // busiest other: 1.5 s + 0.5 s
      ['102', t(0.75, 0)], // 0.25 s
      ['104', t(0.25, 0.25)], // started in the window: 0.5 s from zero
    ]);
    expect(splitOf('100', before, after, 2)).toEqual({
      eventLoopUser: 50,
      eventLoopSystem: 25,
      otherUser: 75,
      otherSystem: 25,
      rest: 37.5,
    });
    // a process with its main thread alone, and an empty window
    expect(splitOf('100', before, new Map([['100', t(2, 1)]]), 1)).toEqual({
      eventLoopUser: 100,
      eventLoopSystem: 0,
      otherUser: 0,
      otherSystem: 0,
      rest: 0,
    });
    expect(splitOf('100', before, after, 0).eventLoopUser).toBe(0);
  });

  it('scales and adds splits part by part', () => {
    const a: CpuSplit = { eventLoopUser: 1, eventLoopSystem: 2, otherUser: 3, otherSystem: 4, rest: 5 };
    expect(addSplits([a, scaleSplit(a, 2)])).toEqual({
      eventLoopUser: 3,
      eventLoopSystem: 6,
      otherUser: 9,
      otherSystem: 12,
      rest: 15,
    });
  });

  it.skipIf(!existsSync('/proc/thread-self/stat'))(
    'finds a busy worker thread as the busiest other thread of a real process',
    async () => {
      expect(threadTimes(process.pid).has(String(process.pid))).toBe(true);
      const meter = cpuSplitMeter(process.pid);
      // the worker spins until its own thread has used 0.3 s of CPU, while this thread waits
      const worker = new Worker(
        `const { readFileSync } = require('node:fs');
         const used = () => {
           const stat = readFileSync('/proc/thread-self/stat', 'utf8');
           const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
           return Number(f[11]) + Number(f[12]); // ticks, user + system
         };
         const start = used();
         while (used() - start < ${Math.ceil(0.3 * ticksPerSecond())}) {}
         require('node:worker_threads').parentPort.postMessage('done');`,
        { eval: true },
      );
      await new Promise((resolve) => worker.once('message', resolve));
      const split = meter()!;
      await worker.terminate();
      expect(split.otherUser + split.otherSystem).toBeGreaterThan(
        split.eventLoopUser + split.eventLoopSystem,
      );
      expect(cpuSplitMeter(2 ** 30)()).toBeUndefined();
    },
  );

  it('turns the rounds of a run into µs per message, and the table shows them', () => {
    const round = (cpuSplit: CpuSplit | undefined, measuredS: number): LoadPartial => ({
      target: 'parley',
      spec: { pairs: 4, rate: 1000, warmupS: 0, durationS: measuredS },
      measuredS,
      connectS: 0.1,
      counts: { sent: 1000 * measuredS, acked: 1000 * measuredS, delivered: 1000 * measuredS },
      ackHist: latencyHistogram(),
      e2eHist: latencyHistogram(),
      lagHist: latencyHistogram(),
      generatorGc: { count: 0, totalMs: 0, maxMs: 0 },
      server: {
        cpuPercent: 50,
        rssStartMiB: 50,
        rssPeakMiB: 60,
        rssEndMiB: 55,
        ...(cpuSplit && { cpuSplit }),
      },
      generatorCpuPercent: 20,
      generatorThreads: 1,
      totals: { sent: 1000, acked: 1000, delivered: 1000, refused: 0 },
      integrity: { lost: 0, doubled: 0, outOfOrder: 0, unacked: 0, unanswered: 0, misrouted: 0 },
      errors: new Map(),
    });
    const split: CpuSplit = {
      eventLoopUser: 20,
      eventLoopSystem: 10,
      otherUser: 10,
      otherSystem: 5,
      rest: 5,
    };
    // 20% of a core over 1 + 3 s is 0.8 CPU seconds, over 4,000 messages: 200 µs each
    const run = mergeRounds([round(split, 1), round(split, 3)]);
    expect(run.serverCpuSplitUsPerMsg).toEqual({
      eventLoopUser: expect.closeTo(200),
      eventLoopSystem: expect.closeTo(100),
      otherUser: expect.closeTo(100),
      otherSystem: expect.closeTo(50),
      rest: expect.closeTo(50),
    });
    expect(mergeRounds([round(split, 1), round(undefined, 1)]).serverCpuSplitUsPerMsg).toBeUndefined();
    const level = {
      label: '4 pairs @ 1,000 msg/s',
      pairs: 4,
      window: null,
      offeredPerSec: 1000,
      runs: [run],
    };
    expect(cpuSplitTable([level])).toContain(
      '| 4 pairs @ 1,000 msg/s | Parley | 500 µs | 200 + 100 | 100 + 50.0 | 50.0 |',
    );
    expect(cpuSplitTable([{ ...level, runs: [mergeRounds([round(undefined, 1)])] }])).toBe('');
  });
});
