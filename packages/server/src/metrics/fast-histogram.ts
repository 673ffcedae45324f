import type { Metric, Registry } from 'prom-client';

/** A sample as prom-client's Histogram `get` gives it (its own type declarations do not name these). */
interface Sample {
  value: number;
  metricName: string;
  exemplar: null | undefined;
  labels: { le?: number | string };
}

interface Exported {
  name: string;
  help: string;
  type: 'histogram';
  values: Sample[];
  aggregator: 'sum';
}

/**
 * A histogram without labels for the hot paths (one observation per message): `observe` finds the
 * bucket and adds, where prom-client's Histogram validates and hashes its labels and allocates on
 * every call. Registered in a prom-client Registry, it is exported exactly as prom-client's own
 * Histogram with the same buckets and observations would be (same samples, order and values).
 */
export class FastHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** Observations per bucket (not cumulative); those over the last bound are only in `count`. */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    this.counts = new Float64Array(buckets.length);
    // the Registry takes any object with a name and `get` (its type names prom-client's classes only)
    registry.registerMetric(this as unknown as Metric);
  }

  /** Observes `value` `times` times (the same value for each operation of a batch). */
  observe(value: number, times = 1): void {
    const { buckets } = this;
    for (let i = 0; i < buckets.length; i++) {
      if (value <= buckets[i]!) {
        this.counts[i]! += times;
        break;
      }
    }
    this.sum += value * times;
    this.count += times;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  /** What prom-client's Histogram `get` gives: cumulative buckets, `+Inf`, sum, count. */
  async get(): Promise<Exported> {
    const bucket = `${this.name}_bucket`;
    const values: Sample[] = [];
    let acc = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      acc += this.counts[i]!;
      values.push({ value: acc, metricName: bucket, exemplar: null, labels: { le: this.buckets[i]! } });
    }
    values.push(
      { value: this.count, metricName: bucket, exemplar: null, labels: { le: '+Inf' } },
      { value: this.sum, metricName: `${this.name}_sum`, exemplar: undefined, labels: {} },
      { value: this.count, metricName: `${this.name}_count`, exemplar: undefined, labels: {} },
    );
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }
}
