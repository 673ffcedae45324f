import { createTimeFormatter } from '@parley/protocol';
import type { Logger } from 'pino';
import { ConfigError } from '../config/cli.js';
import type { ServerConfig } from '../config/config.js';
import type { CoreDeps } from '../core/chat-core.js';
import type { Clock } from '../core/clock.js';
import type { PrometheusMetrics } from '../metrics/prometheus-metrics.js';
import { outboxOf } from '../store/outbox.js';
import type { Store } from '../store/store.js';
import { BeforeSendHook } from './before-send.js';
import { webhookCapture } from './capture.js';
import { type DispatcherOptions, defaultDispatcherTiming, WebhookDispatcher } from './dispatcher.js';
import { type EventType, selectEvents } from './event-types.js';
import { webhookMetrics } from './webhook-metrics.js';

/** Timings of the dispatcher that are not settings (tests shorten them). */
export type DispatcherTiming = Partial<typeof defaultDispatcherTiming>;

export interface Webhooks {
  /** What the core needs: presence writes, the message check. */
  readonly coreDeps: Pick<CoreDeps, 'presenceEvents' | 'screen'>;
  /** Starts delivering (on the node that gets the lease). */
  start(metrics: PrometheusMetrics): void;
  readonly dispatcher: WebhookDispatcher;
  stop(): Promise<void>;
}

/** The webhook settings, checked: what `setupWebhooks` needs. */
export interface WebhookConfig {
  url: string;
  secret: string;
  types: ReadonlySet<EventType>;
}

/** Checks the webhook settings (before anything is opened); undefined when webhooks are off. */
export function webhookConfig(config: ServerConfig): WebhookConfig | undefined {
  const url = config.webhookUrl;
  if (url === undefined) {
    if (config.webhookBeforeSend)
      throw new ConfigError('WEBHOOK_BEFORE_SEND needs WEBHOOK_URL (and WEBHOOK_SECRET)');
    return undefined;
  }
  const secret = config.webhookSecret;
  if (secret === undefined)
    throw new ConfigError('WEBHOOK_URL needs WEBHOOK_SECRET (the key that signs each event)');
  const types = selectEvents(config.webhookEvents);
  if (!types)
    throw new ConfigError(`WEBHOOK_EVENTS: ${JSON.stringify(config.webhookEvents)} selects no event`);
  return { url, secret, types };
}

/**
 * Webhooks of a server: the store records the selected events in its outbox from now on, and
 * `start` begins delivering them.
 */
export function setupWebhooks(
  config: ServerConfig,
  hooks: WebhookConfig,
  store: Store,
  log: Logger,
  clock: Clock,
  timing: DispatcherTiming = {},
): Webhooks {
  const { url, secret, types } = hooks;
  const outbox = outboxOf(store);
  if (!outbox) throw new ConfigError('webhooks need a store with an outbox (SQLite or PostgreSQL)');
  const time = createTimeFormatter(config.timeZone);
  const options: DispatcherOptions = {
    ...defaultDispatcherTiming,
    ...timing,
    url,
    secret,
    timeoutMs: config.webhookTimeoutMs,
    retentionMs: config.webhookRetentionMs,
  };
  const child = log.child({ component: 'webhooks' });
  const dispatcher = new WebhookDispatcher(outbox, options, child, clock);
  outbox.captureEvents(webhookCapture({ types: [...types], timeZone: config.timeZone }, clock), () =>
    dispatcher.wake(),
  );
  const screen = config.webhookBeforeSend
    ? new BeforeSendHook(
        {
          url,
          secret,
          timeoutMs: config.webhookBeforeSendTimeoutMs,
          fail: config.webhookBeforeSendFail,
          maxMessageBytes: config.maxMessageBytes,
          time,
        },
        child,
      )
    : undefined;
  let started = false;
  return {
    coreDeps: {
      presenceEvents: types.has('user.online') || types.has('user.offline'),
      ...(screen && { screen }),
    },
    dispatcher,
    start(metrics) {
      if (started) return;
      started = true;
      dispatcher.setEvents(webhookMetrics(metrics.registry, outbox));
      dispatcher.start();
    },
    // events written after this stay in the outbox for the next start
    stop: () => dispatcher.stop(),
  };
}
