import { describe, expect, it } from 'vitest';
import { addGcPauses, gcPauseMeter } from '../src/metrics/gc-pauses.js';

describe("the generator's GC pause meter", () => {
  it('counts the collections of its window, and none after it stopped', async () => {
    const stop = gcPauseMeter();
    // allocate until the young generation has been collected at least once
    let keep: number[][] = [];
    for (let i = 0; i < 200_000; i++) {
      keep.push([i, i + 1, i + 2]);
      if (keep.length > 1000) keep = [];
    }
    await new Promise((resolve) => setImmediate(resolve));
    const pauses = stop();
    expect(pauses.count).toBeGreaterThan(0);
    expect(pauses.maxMs).toBeGreaterThan(0);
    expect(pauses.totalMs).toBeGreaterThanOrEqual(pauses.maxMs);
    // stopped: what is collected later does not change the figures already taken
    for (let i = 0; i < 200_000; i++) keep.push([i]);
    expect(stop()).toEqual(pauses);
  });

  it('adds up counts and totals of several threads and keeps the longest pause', () => {
    expect(
      addGcPauses([
        { count: 2, totalMs: 5, maxMs: 3 },
        { count: 1, totalMs: 7, maxMs: 7 },
      ]),
    ).toEqual({ count: 3, totalMs: 12, maxMs: 7 });
    expect(addGcPauses([])).toEqual({ count: 0, totalMs: 0, maxMs: 0 });
  });
});
