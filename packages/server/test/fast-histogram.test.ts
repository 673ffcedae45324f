import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastHistogram } from '../src/metrics/fast-histogram.js';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The same observations into prom-client's Histogram and a FastHistogram, each in a registry. */
function both(values: readonly number[]): { prom: Registry; fast: Registry } {
  const prom = new Registry();
  const fast = new Registry();
  const p = new Histogram({ name: 'x_seconds', help: 'Time to do x', buckets: BUCKETS, registers: [prom] });
  const f = new FastHistogram('x_seconds', 'Time to do x', BUCKETS, fast);
  for (const v of values) {
    p.observe(v);
    f.observe(v);
  }
  return { prom, fast };
}

describe('FastHistogram', () => {
  it('is exported exactly as prom-client exports its Histogram, empty or not', async () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const values = [0, 0.0005, 0.00050001, 1, 10, 10.5, 1e6, ...BUCKETS];
    for (let i = 0; i < 5000; i++) values.push(random() ** 4 * 12);
    for (const observed of [[], [0.3], values]) {
      const { prom, fast } = both(observed);
      expect(await fast.metrics()).toBe(await prom.metrics());
      expect(await fast.getMetricsAsJSON()).toStrictEqual(await prom.getMetricsAsJSON());
    }
  });

  it('observes a value several times at once as it would one at a time', async () => {
    const { prom } = both([0.003, 0.003, 0.003, 0.2, 20]);
    const fast = new Registry();
    const f = new FastHistogram('x_seconds', 'Time to do x', BUCKETS, fast);
    f.observe(0.003, 3);
    f.observe(0.2);
    f.observe(20, 1);
    expect(await fast.metrics()).toBe(await prom.metrics());
  });

  it('starts over on reset', async () => {
    const { prom } = both([]);
    const fast = new Registry();
    const f = new FastHistogram('x_seconds', 'Time to do x', BUCKETS, fast);
    f.observe(0.2);
    f.reset();
    expect(await fast.metrics()).toBe(await prom.metrics());
  });
});
