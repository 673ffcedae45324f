import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';

/** The garbage collector's pauses of one thread over a window. */
export interface GcPauses {
  count: number;
  /** The pauses added up, in ms. */
  totalMs: number;
  /** The longest, in ms. */
  maxMs: number;
}

export const NO_GC_PAUSES: GcPauses = { count: 0, totalMs: 0, maxMs: 0 };

/**
 * Watches this thread's garbage collections from now on; the function returned stops watching and
 * tells the pauses that started in the window. A load generator's pauses are part of every latency
 * it measures: a message falls due, or an ack arrives, while its thread stands still.
 */
export function gcPauseMeter(): () => GcPauses {
  const out = { ...NO_GC_PAUSES };
  const add = (entries: readonly PerformanceEntry[]) => {
    for (const e of entries) {
      out.count++;
      out.totalMs += e.duration;
      out.maxMs = Math.max(out.maxMs, e.duration);
    }
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    add(observer.takeRecords()); // the entries not delivered yet
    observer.disconnect();
    return { ...out };
  };
}

/** The pauses of several threads or rounds together: counts and totals add up, the longest stays. */
export function addGcPauses(all: readonly GcPauses[]): GcPauses {
  return all.reduce(
    (a, p) => ({
      count: a.count + p.count,
      totalMs: a.totalMs + p.totalMs,
      maxMs: Math.max(a.maxMs, p.maxMs),
    }),
    NO_GC_PAUSES,
  );
}
