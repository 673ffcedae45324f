import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/config/config.js';
import { manualClock } from '../helpers/manual-clock.js';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text.js';
import { textFrame } from '../helpers/test-client.js';
import { startTestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { WEBHOOK_TEST_SECRET, type WebhookEvent, webhookReceiver } from '../helpers/webhook-receiver.js';

/** Short retries, so a test sees several of them. */
const quick = { webhookTiming: { backoffMs: [20, 40, 80], pollMs: 20, leaseCheckMs: 200 } };

function hooked(url: string, more: Partial<ServerConfig> = {}): Partial<ServerConfig> {
  return { webhookUrl: url, webhookSecret: WEBHOOK_TEST_SECRET, webhookEvents: 'message.sent', ...more };
}

async function metric(baseUrl: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return sampleValue(parsePrometheusText(text), name);
}

/** The message texts delivered per conversation (`from>to`), in delivery order. */
function byConversation(events: readonly WebhookEvent[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of events) {
    const key = `${e.data.fromId}>${e.data.toId}`;
    out[key] = [...(out[key] ?? []), e.data.chatMsg.message];
  }
  return out;
}

describe('webhook delivery', () => {
  it('gets everything to a receiver that refused connections, answered 500, then timed out, in order per conversation', async () => {
    const hook = await webhookReceiver();
    await hook.down();
    const t = await startTestServer(hooked(hook.url, { webhookTimeoutMs: 150 }), quick);
    const alice = await t.connect('alice');
    await t.connect('bob');
    await t.connect('carol');
    const expected: Record<string, string[]> = { 'alice>bob': [], 'alice>carol': [], 'bob>alice': [] };
    for (let i = 0; i < 5; i++) {
      await alice.say('bob', `ab${i}`);
      expected['alice>bob']!.push(`ab${i}`);
      await alice.say('carol', `ac${i}`);
      expected['alice>carol']!.push(`ac${i}`);
    }
    // connections refused: counted as failed attempts
    await waitFor(
      async () => ((await metric(t.server.url, 'parley_webhook_failures_total')) ?? 0) >= 4,
      'failed attempts while the receiver is down',
    );
    expect(await metric(t.server.url, 'parley_webhook_backlog')).toBe(10);

    // back, but answering 500
    hook.reply = () => ({ status: 500 });
    await hook.up();
    await hook.until(
      () => hook.attempts.filter((a) => a.status === 500).length >= 4,
      'attempts answered 500',
    );
    // then not answering at all (timeouts)
    hook.reply = () => 'hang';
    const before = hook.attempts.length;
    await hook.until(() => hook.attempts.length >= before + 4, 'attempts that time out');
    const bob = await t.connect('bob');
    for (let i = 0; i < 3; i++) {
      await bob.say('alice', `ba${i}`);
      expected['bob>alice']!.push(`ba${i}`);
    }

    hook.reply = () => ({ status: 200 });
    await hook.until(() => hook.delivered.length >= 13, 'every event delivered');
    expect(byConversation(hook.delivered)).toEqual(expected);
    expect(hook.attempts.every((a) => a.signatureValid)).toBe(true);
    // each event is one id, retried with the same body
    const ids = new Set(hook.delivered.map((e) => e.id));
    expect(ids.size).toBe(13);
    for (const a of hook.attempts) expect(ids.has(a.event.id)).toBe(true);
    await waitFor(
      async () => (await metric(t.server.url, 'parley_webhook_backlog')) === 0,
      'an empty backlog',
    );
  });

  it('holds back only the conversation whose event fails; the others go on', async () => {
    const hook = await webhookReceiver();
    let refuseBob = true;
    hook.reply = (e) => (refuseBob && e.data.toId === 'bob' ? { status: 503 } : { status: 200 });
    const t = await startTestServer(hooked(hook.url), quick);
    const alice = await t.connect('alice');
    await t.connect('bob');
    await t.connect('carol');
    await alice.say('bob', 'b1');
    await alice.say('bob', 'b2');
    for (let i = 0; i < 5; i++) await alice.say('carol', `c${i}`);
    await hook.until(() => hook.delivered.length === 5, "carol's events");
    // b1 failed (again and again); b2 was never tried before it
    expect(
      hook.attempts
        .filter((a) => a.event.data.toId === 'bob')
        .every((a) => a.event.data.chatMsg.message === 'b1'),
    ).toBe(true);
    refuseBob = false;
    await hook.until(() => hook.delivered.length === 7, "bob's events");
    expect(byConversation(hook.delivered)).toEqual({
      'alice>carol': ['c0', 'c1', 'c2', 'c3', 'c4'],
      'alice>bob': ['b1', 'b2'],
    });
  });

  it('sends what waited for a receiver that was down as soon as it answers again, not at the next backoff', async () => {
    const hook = await webhookReceiver();
    await hook.down();
    const t = await startTestServer(hooked(hook.url), {
      webhookTiming: { ...quick.webhookTiming, backoffMs: [20, 60_000] },
    });
    const alice = await t.connect('alice');
    await t.connect('bob');
    await t.connect('carol');
    await alice.say('bob', 'waited');
    await waitFor(
      async () => ((await metric(t.server.url, 'parley_webhook_failures_total')) ?? 0) >= 2,
      'the retry that now waits a minute',
    );
    await hook.up();
    await alice.say('carol', 'new');
    await hook.until(() => hook.delivered.length === 2, 'both events, well before the minute is over');
    expect(byConversation(hook.delivered)).toEqual({ 'alice>carol': ['new'], 'alice>bob': ['waited'] });
  });

  it('retries a failed event within 10 s with the default backoff', async () => {
    const hook = await webhookReceiver();
    hook.reply = (_e, attempt) => (hook.attempts.indexOf(attempt) === 0 ? { status: 500 } : { status: 200 });
    const t = await startTestServer(hooked(hook.url));
    const alice = await t.connect('alice');
    await t.connect('bob');
    await alice.say('bob', 'once more');
    await hook.until(() => hook.delivered.length === 1, 'the retry', 12_000);
    const [first, second] = hook.attempts;
    expect(first!.status).toBe(500);
    expect(second!.event.id).toBe(first!.event.id);
    expect(second!.atMs - first!.atMs).toBeLessThan(10_000);
  });

  it('acknowledges messages while the receiver hangs, and stops without waiting for it', async () => {
    const hook = await webhookReceiver();
    hook.reply = () => 'hang';
    const t = await startTestServer(hooked(hook.url, { webhookTimeoutMs: 60_000 }), quick);
    const alice = await t.connect('alice');
    await t.connect('bob');
    const ids = [...(await alice.ids()), ...(await alice.ids())];
    for (const [i, id] of ids.entries()) alice.send(textFrame('alice', 'bob', id, `m${i}`));
    for (const id of ids) {
      const ack = await alice.next((f) => f.chatMsg?.id === id);
      expect(ack).toMatchObject({ action: '4', chatMsg: { id, status: 1 } });
    }
    await hook.until(() => hook.attempts.length >= 1, 'a hanging delivery');
    expect(hook.delivered).toEqual([]);
    await t.stop();
  });

  it('drops undelivered events older than WEBHOOK_RETENTION_MS, saying how many', async () => {
    const hook = await webhookReceiver();
    await hook.down();
    const clock = manualClock(Date.now());
    const lines: string[] = [];
    const log = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const t = await startTestServer(hooked(hook.url, { webhookRetentionMs: 60_000 }), {
      clock,
      log,
      webhookTiming: { ...quick.webhookTiming, purgeIntervalMs: 10 },
    });
    const alice = await t.connect('alice');
    await t.connect('bob');
    await alice.say('bob', 'old 1');
    await alice.say('bob', 'old 2');
    clock.advance(61_000);
    await waitFor(() => lines.some((l) => l.includes('dropped undelivered')), 'the purge');
    const line = JSON.parse(lines.find((l) => l.includes('dropped undelivered'))!);
    expect(line).toMatchObject({ dropped: 2, retentionMs: 60_000 });
    expect(await metric(t.server.url, 'parley_webhook_backlog')).toBe(0);
    await hook.up();
    await alice.say('bob', 'new');
    await hook.until(() => hook.delivered.length === 1, 'the new event');
    expect(hook.delivered[0]!.data.chatMsg.message).toBe('new');
  });
});
