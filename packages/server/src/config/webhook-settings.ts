import { EVENT_TYPES, selectEvents } from '../webhooks/event-types.js';
import type { OptionSpec } from './config.js';

/** The settings of webhooks (part of `ServerConfig`). */
export interface WebhookSettings {
  /** Set: events are POSTed here (with `webhookSecret`). */
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** Comma list of event types (`group.*` for a prefix); unset: all. */
  webhookEvents: string | undefined;
  webhookTimeoutMs: number;
  webhookRetentionMs: number;
  webhookBeforeSend: boolean;
  webhookBeforeSendTimeoutMs: number;
  webhookBeforeSendFail: 'open' | 'closed';
}

export const WEBHOOK_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'webhookUrl',
    env: 'WEBHOOK_URL',
    flag: '--webhook-url',
    kind: 'string',
    check: (v) => /^https?:\/\/\S+$/.test(v),
    help: 'turns webhooks on: events are POSTed (signed, JSON) to this http(s) URL; needs WEBHOOK_SECRET',
  },
  {
    key: 'webhookSecret',
    env: 'WEBHOOK_SECRET',
    flag: '--webhook-secret',
    kind: 'secret',
    help: 'key of the X-Parley-Signature HMAC-SHA256 of every webhook body (required with WEBHOOK_URL)',
  },
  {
    key: 'webhookEvents',
    env: 'WEBHOOK_EVENTS',
    flag: '--webhook-events',
    kind: 'string',
    check: (v) => selectEvents(v) !== undefined,
    help: `comma list of webhook events, or prefix.* (unset: all): ${EVENT_TYPES.join(', ')}`,
  },
  {
    key: 'webhookTimeoutMs',
    env: 'WEBHOOK_TIMEOUT_MS',
    flag: '--webhook-timeout-ms',
    kind: 'int',
    min: 100,
    help: 'a webhook POST not answered within this long failed and is retried',
  },
  {
    key: 'webhookRetentionMs',
    env: 'WEBHOOK_RETENTION_MS',
    flag: '--webhook-retention-ms',
    kind: 'int',
    min: 1000,
    help: 'webhook events are kept this long; undelivered ones older than that are dropped (logged)',
  },
  {
    key: 'webhookBeforeSend',
    env: 'WEBHOOK_BEFORE_SEND',
    flag: '--webhook-before-send',
    kind: 'flag',
    help: 'ask WEBHOOK_URL (message.before_send) before storing each message: it may refuse or rewrite it',
  },
  {
    key: 'webhookBeforeSendTimeoutMs',
    env: 'WEBHOOK_BEFORE_SEND_TIMEOUT_MS',
    flag: '--webhook-before-send-timeout-ms',
    kind: 'int',
    min: 10,
    help: 'how long a message waits for the before-send answer; then WEBHOOK_BEFORE_SEND_FAIL decides',
  },
  {
    key: 'webhookBeforeSendFail',
    env: 'WEBHOOK_BEFORE_SEND_FAIL',
    flag: '--webhook-before-send-fail',
    kind: 'string',
    choices: ['open', 'closed'],
    help: 'when the before-send check fails: open stores the message as sent, closed refuses it (UNAVAILABLE)',
  },
];

export const webhookDefaults: WebhookSettings = {
  webhookUrl: undefined,
  webhookSecret: undefined,
  webhookEvents: undefined,
  webhookTimeoutMs: 10_000,
  webhookRetentionMs: 24 * 60 * 60_000,
  webhookBeforeSend: false,
  webhookBeforeSendTimeoutMs: 2_000,
  webhookBeforeSendFail: 'open',
};
