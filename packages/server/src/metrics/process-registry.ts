import { readdir } from 'node:fs/promises';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

let registry: Registry | undefined;

/**
 * prom-client's default metrics that walk every connection on the event loop at each scrape: the
 * open files (a synchronous listing of `/proc/self/fd`, which holds a descriptor per connection)
 * and the active libuv handles and resources (an object or a string per connection, twice each).
 * At 2,000 connections a scrape took 5.7 ms with them and 3.8 ms without (the median of 60), and
 * what they cost grows with the connections; every frame of every connection waits meanwhile
 * (docs/benchmarks.md, the seventeenth pass of issue 14). `process_open_fds` comes back counted
 * off the event loop (`openFilesGauge`); `parley_connections` counts the connections.
 */
const WALKING_DEFAULT_METRICS = [
  'process_open_fds',
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
] as const;

/**
 * prom-client's default metrics (event-loop lag, CPU, memory, heap, GC, open files), which describe
 * the process, not one server. They are collected once per process into a registry of their own
 * (not prom-client's global one), because each collection starts an event-loop delay monitor and
 * a GC observer that are never stopped: tests run many servers in one process.
 */
export function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
    for (const name of WALKING_DEFAULT_METRICS) registry.removeSingleMetric(name);
    if (process.platform === 'linux') openFilesGauge(registry);
  }
  return registry;
}

/**
 * `process_open_fds` as prom-client counts it, but listed by libuv's thread pool: the event loop
 * only gets the names back.
 */
function openFilesGauge(into: Registry): void {
  new Gauge({
    name: 'process_open_fds',
    help: 'Number of open file descriptors.',
    registers: [into],
    async collect() {
      // a failed listing leaves the last figure (the rest of the scrape still works)
      const names = await readdir('/proc/self/fd').catch(() => undefined);
      // the listing's own descriptor was open while it ran
      if (names) this.set(names.length - 1);
    },
  });
}
