import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './test-server.js';

/** The secret the webhook tests sign with. */
export const WEBHOOK_TEST_SECRET = 'test-webhook-secret-0123456789abcdef';

// biome-ignore lint/suspicious/noExplicitAny: event data under test is inspected loosely on purpose
export type WebhookData = Record<string, any>;

export interface WebhookEvent {
  id: string;
  type: string;
  time: string;
  data: WebhookData;
}

/** One request the receiver got, and how it answered. */
export interface Attempt {
  event: WebhookEvent;
  raw: string;
  signatureValid: boolean;
  atMs: number;
  /** The status answered; undefined when the request was left hanging or dropped. */
  status: number | undefined;
}

/** How the receiver answers a request: a status (and a JSON body), or never (`hang`). */
export type Reply = { status: number; body?: unknown } | 'hang';

export interface WebhookReceiver {
  readonly url: string;
  /** Events answered with a 2xx, in the order they arrived. */
  readonly delivered: WebhookEvent[];
  readonly attempts: Attempt[];
  /** Decides each answer (default: 200), perhaps later. */
  reply: (event: WebhookEvent, attempt: Attempt) => Reply | Promise<Reply>;
  /** Stops listening (connections refused) until `up`. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Resolves once `cond` holds over what arrived (checked at each request); fails after `timeoutMs`. */
  until(cond: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** The first delivered event matching `match` (already there or yet to come). */
  event(match: (e: WebhookEvent) => boolean, timeoutMs?: number): Promise<WebhookEvent>;
}

export function verifySignature(
  raw: string,
  header: string | undefined,
  secret = WEBHOOK_TEST_SECRET,
): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  const got = Buffer.from(header ?? '');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** An HTTP server on a loopback port that records webhook requests; closed after the test. */
export async function webhookReceiver(): Promise<WebhookReceiver> {
  const hanging = new Set<http.ServerResponse>();
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const receiver: WebhookReceiver = {
    url: '',
    delivered: [],
    attempts: [],
    reply: () => ({ status: 200 }),
    down: async () => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    up: () => listen(port),
    until: (cond, what, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!cond()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out waiting for ${what}; got ${JSON.stringify(receiver.attempts.map((a) => [a.event.type, a.status]))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    event: async (match, timeoutMs) => {
      await receiver.until(() => receiver.delivered.some(match), 'a matching webhook event', timeoutMs);
      return receiver.delivered.find(match)!;
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(raw) as WebhookEvent;
      const attempt: Attempt = {
        event,
        raw,
        signatureValid: verifySignature(raw, req.headers['x-parley-signature'] as string | undefined),
        atMs: Date.now(),
        status: undefined,
      };
      receiver.attempts.push(attempt);
      notify();
      void Promise.resolve(receiver.reply(event, attempt)).then((reply) =>
        answer(res, event, attempt, reply),
      );
    });
  });
  const answer = (res: http.ServerResponse, event: WebhookEvent, attempt: Attempt, reply: Reply) => {
    if (reply === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      notify();
      return;
    }
    attempt.status = reply.status;
    if (reply.status >= 200 && reply.status < 300) receiver.delivered.push(event);
    const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(body);
    notify();
  };
  let port = 0;
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  port = (server.address() as AddressInfo).port;
  (receiver as { url: string }).url = `http://127.0.0.1:${port}/hooks`;
  onCleanup(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return receiver;
}

/** The events of `types`, in arrival order, as `type:detail` strings for compact assertions. */
export function typesOf(events: readonly WebhookEvent[]): string[] {
  return events.map((e) => e.type);
}
