import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GapMeter, spin } from '../src/host/cpu-gaps.js';
import { busyCpus, hostLoads } from '../src/host/host-check.js';
import { benchDir } from '../src/paths.js';
import { hostSection } from '../src/report/host-markdown.js';
import { silentProgress } from '../src/report/progress.js';
import { host } from '../src/scenarios/host.js';

/** A clock that reads the given times in turn, then keeps going up by 0.1 ms. */
function scriptedClock(times: number[]): () => number {
  let i = 0;
  let last = 0;
  return () => {
    last = i < times.length ? times[i++]! : last + 0.1;
    return last;
  };
}

describe('the gaps a busy thread sees', () => {
  it('counts a gap between two readings as time the thread did not run', () => {
    const m = new GapMeter();
    for (const t of [0, 0.1, 0.2, 1.5, 1.6, 6.7, 6.8]) m.read(t);
    const t = m.tally();
    expect(t.over1ms).toBe(2);
    expect(t.over4ms).toBe(1);
    expect(t.longestMs).toBeCloseTo(5.1);
    expect(t.lostMs).toBeCloseTo(1.3 + 5.1);
    expect(t.spunMs).toBeCloseTo(6.8);
  });

  it('does not count a sleep the thread chose', () => {
    const m = new GapMeter();
    m.read(0);
    m.read(0.2);
    m.pause();
    m.read(50);
    m.read(50.3);
    const t = m.tally();
    expect(t.over1ms).toBe(0);
    expect(t.lostMs).toBe(0);
    expect(t.spunMs).toBeCloseTo(0.5);
  });

  it('spins until the end and reports the stall it was given', () => {
    // start, the end's base, busy readings, one 7 ms stall, then readings to the end
    const t = spin(20, 1, scriptedClock([0, 0, 0.1, 0.2, 7.2, 7.3]));
    expect(t.over4ms).toBe(1);
    expect(t.longestMs).toBeCloseTo(7);
    expect(t.spunMs).toBeGreaterThanOrEqual(20);
    expect(t.spunMs).toBeLessThan(20.2);
  });

  it('leaves out the sleeps of a thread that keeps its CPU only partly busy', () => {
    // half of each 2 ms cycle busy: stretches 0-1, 5-6 and 9-10 ms, the time between them asleep
    const clock = scriptedClock([0, 0, 0.5, 1, 5, 5.5, 6, 9, 9.5, 10, 12]);
    const t = spin(10, 0.5, clock);
    expect(t.spunMs).toBeCloseTo(3);
    expect(t.lostMs).toBe(0);
    expect(t.over1ms).toBe(0);
  });
});

describe('the host scenario', () => {
  it('loads every CPU but the last all the time, and the last more and more', () => {
    expect(hostLoads(2).map(busyCpus)).toEqual([1, 1.5, 1.75, 2]);
    expect(hostLoads(4).map(busyCpus)).toEqual([3, 3.5, 3.75, 4]);
  });

  it('runs its threads for the time asked and reports every load', async () => {
    if (!existsSync(path.join(benchDir, 'dist/host/spinner-thread.js')))
      throw new Error('the bench is not built: run `npm run build` first (npm test does)');
    const r = await host.run({ mode: 'quick', durationS: 0.2, targets: [], progress: silentProgress() });
    if (r.kind !== 'host') throw new Error(r.kind);
    expect(r.levels.map((l) => l.busyCpus)).toEqual(hostLoads(r.cpus).map(busyCpus));
    for (const l of r.levels) {
      const fullThreads = Math.floor(l.busyCpus);
      expect(l.rounds).toHaveLength(1);
      // each fully busy thread reads the clock from its start to its end, 200 ms (a last stall may overshoot)
      expect(l.rounds[0]!.spunMs).toBeGreaterThanOrEqual(199 * fullThreads);
      expect(l.rounds[0]!.spunMs).toBeLessThan(700 * fullThreads);
    }
    const md = hostSection(r);
    expect(md).toContain('| 2.00 |');
    expect(md.split('\n').filter((line) => /^\| \d/.test(line))).toHaveLength(4);
  });
});
