import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GENERATOR_BOUND_PERCENT,
  isGeneratorBound,
  type LoadPartial,
  mergeRounds,
} from '../src/load/run-result.js';
import { idNumberAt } from '../src/load/scan.js';
import {
  busiestThreadMeter,
  cpuSeconds,
  runQueueWaitMeter,
  runQueueWaitSeconds,
  threadTimes,
} from '../src/metrics/proc.js';
import { syntheticRound } from './synthetic-round.js';

// No timing here: synthetic rounds, as the generator reports them, and what the merge makes of them.
function partial(generatorCpuPercent: number, generatorThreads: number): LoadPartial {
  return syntheticRound({
    spec: { pairs: 4, window: 8, warmupS: 0, durationS: 2 },
    measuredS: 2,
    generatorCpuPercent,
    generatorThreads,
  });
}

describe('generator-bound flag', () => {
  it('flags a run whose generator used more than 90% of a core per thread', () => {
    expect(GENERATOR_BOUND_PERCENT).toBe(90);
    expect(isGeneratorBound(97, 1)).toBe(true);
    expect(isGeneratorBound(60, 1)).toBe(false);
    expect(isGeneratorBound(150, 2)).toBe(false);
    expect(isGeneratorBound(190, 2)).toBe(true);
    expect(mergeRounds([partial(97, 1), partial(95, 1)]).generatorBound).toBe(true);
    expect(mergeRounds([partial(40, 1), partial(50, 1)]).generatorBound).toBe(false);
  });

  it('does not flag a run whose server was at its limit on a thread too', () => {
    expect(isGeneratorBound(97, 1, 95)).toBe(false);
    expect(isGeneratorBound(97, 1, 60)).toBe(true);
    expect(isGeneratorBound(60, 1, 95)).toBe(false);
    const busy = (server: number, measuredS: number): LoadPartial => ({
      ...partial(96, 1),
      measuredS,
      server: { ...partial(96, 1).server, busiestThreadPercent: server },
    });
    // weighted by round: (99 * 3 + 70 * 1) / 4 = 91.75, over the limit
    const merged = mergeRounds([busy(70, 1), busy(99, 3)]);
    expect(merged.server.busiestThreadPercent).toBeCloseTo(91.75);
    expect(merged.generatorBound).toBe(false);
    expect(mergeRounds([busy(99, 1), busy(70, 3)]).generatorBound).toBe(true);
    // a round without the figure leaves it out, and a saturated generator is then enough
    expect(mergeRounds([busy(99, 1), partial(96, 1)]).generatorBound).toBe(true);
  });

  it('reports CPU per message for the server and the generator', () => {
    const run = mergeRounds([partial(50, 1)]);
    // 50% of a core for 2 s is 1 CPU second, over 1,000 messages: 1,000 µs each
    expect(run.serverCpuUsPerMsg).toBeCloseTo(1000);
    expect(run.generatorCpuUsPerMsg).toBeCloseTo(1000);
  });

  it('weighs the time spent waiting for a CPU by round, and leaves it out unless every round has it', () => {
    const waited = (server: number, generator: number, measuredS: number): LoadPartial => ({
      ...partial(50, 1),
      measuredS,
      server: { ...partial(50, 1).server, runQueueWaitPercent: server },
      generatorWaitPercent: generator,
    });
    const run = mergeRounds([waited(10, 40, 1), waited(40, 10, 3)]);
    expect(run.server.runQueueWaitPercent).toBeCloseTo(32.5);
    expect(run.generatorWaitPercent).toBeCloseTo(17.5);
    const partly = mergeRounds([waited(10, 40, 1), partial(50, 1)]);
    expect(partly.server.runQueueWaitPercent).toBeUndefined();
    expect(partly.generatorWaitPercent).toBeUndefined();
  });
});

describe('run-queue wait', () => {
  it("adds up the waits of a process's threads, and has none for a process that is gone", () => {
    const own = runQueueWaitSeconds(process.pid);
    if (existsSync('/proc/self/task')) expect(own).toBeGreaterThanOrEqual(0);
    expect(runQueueWaitSeconds(2 ** 30)).toBeUndefined();
    expect(runQueueWaitMeter(2 ** 30)()).toBeUndefined();
  });
});

describe('busiest thread', () => {
  it.skipIf(!existsSync('/proc/self/task'))(
    "reads each thread's CPU, the main thread's under the process id",
    () => {
      const meter = busiestThreadMeter(process.pid);
      const threads = threadTimes(process.pid);
      expect(threads.has(String(process.pid))).toBe(true);
      const total = [...threads.values()].reduce((a, t) => a + t.user + t.system, 0);
      // threads that have ended count in the process's time but not under its tasks
      expect(total).toBeLessThanOrEqual(cpuSeconds(process.pid) + 0.05);
      expect(meter()).toBeGreaterThanOrEqual(0);
    },
  );

  it('has no figure for a process that is gone', () => {
    expect(busiestThreadMeter(2 ** 30)()).toBeUndefined();
  });
});

describe('hot-path scanner', () => {
  it('reads message id numbers without allocating', () => {
    expect(idNumberAt('MSG000042', 0)).toBe(42);
    expect(idNumberAt('{"id":"MSG000123","status":1}', 7)).toBe(123);
    expect(idNumberAt('MSG00x1', 0)).toBe(-1);
    expect(idNumberAt('MSG', 0)).toBe(-1);
  });
});
