import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

/**
 * prom-client's default metrics (event-loop lag, CPU, memory, heap, GC, handles, open files),
 * which describe the process, not one server. They are collected once per process into a registry
 * of their own (not prom-client's global one), because each collection starts an event-loop delay
 * monitor and a GC observer that are never stopped: tests run many servers in one process.
 */
export function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
