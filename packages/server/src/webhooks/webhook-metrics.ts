import { Counter, Gauge, type Registry } from 'prom-client';
import type { Outbox } from '../store/outbox.js';
import type { DispatcherEvents } from './dispatcher.js';

/**
 * The webhook metrics, in the server's registry: the outbox backlog (the same figure on every node
 * of a cluster: it is counted in the database), whether this node dispatches, failed attempts.
 */
export function webhookMetrics(registry: Registry, outbox: Outbox): DispatcherEvents {
  let leading = false;
  new Gauge({
    name: 'parley_webhook_backlog',
    help: 'Webhook events in the outbox not delivered yet (the whole cluster)',
    registers: [registry],
    async collect() {
      // a database that does not answer leaves the last figure (the rest of the scrape still works)
      const n = await outbox.outboxBacklog().catch(() => undefined);
      if (n !== undefined) this.set(n);
    },
  });
  new Gauge({
    name: 'parley_webhook_dispatcher',
    help: 'Whether this node is the one delivering webhook events (1) or not (0)',
    registers: [registry],
    collect() {
      this.set(leading ? 1 : 0);
    },
  });
  const failures = new Counter({
    name: 'parley_webhook_failures_total',
    help: 'Webhook POSTs that failed (no answer in time, or not 2xx) and will be retried',
    registers: [registry],
  });
  return {
    leading: (on) => {
      leading = on;
    },
    failed: () => failures.inc(),
  };
}
