import { describe, expect, it } from 'vitest';
import { freshSchema, PG_URL } from '../helpers/postgres.js';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text.js';
import { redisUrl, scratchPrefix } from '../helpers/redis.js';
import { type ServerProcess, spawnServer } from '../helpers/server-process.js';
import { openAs } from '../helpers/streams.js';
import { tempDir } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { WEBHOOK_TEST_SECRET, type WebhookReceiver, webhookReceiver } from '../helpers/webhook-receiver.js';

function hookEnv(hook: WebhookReceiver): Record<string, string> {
  return {
    WEBHOOK_URL: hook.url,
    WEBHOOK_SECRET: WEBHOOK_TEST_SECRET,
    WEBHOOK_EVENTS: 'message.sent',
    WEBHOOK_TIMEOUT_MS: '60000',
  };
}

/** The message ids delivered, each once (a receiver drops a repeated event id), in arrival order. */
function deliveredOnce(hook: WebhookReceiver): string[] {
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const e of hook.delivered) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    ids.push(e.data.chatMsg.id);
  }
  return ids;
}

async function dispatcherGauge(node: ServerProcess): Promise<number | undefined> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  return sampleValue(parsePrometheusText(text), 'parley_webhook_dispatcher');
}

/**
 * Events committed before the server is SIGKILLed (some delivered, one in flight, the rest
 * waiting) are all delivered after the restart, in order.
 */
async function killedAndRestarted(env: () => Record<string, string>): Promise<void> {
  const hook = await webhookReceiver();
  let answered = 0;
  // the first two are answered, the third hangs: the others wait behind it
  hook.reply = () => (answered++ < 2 ? { status: 200 } : 'hang');
  const first = await spawnServer({ ...env(), ...hookEnv(hook) });
  await (await openAs(first.wsUrl, 'bob')).close();
  const alice = await openAs(first.wsUrl, 'alice');
  const sent: string[] = [];
  for (let i = 0; i < 10; i++) sent.push((await alice.say('bob', `m${i}`)).id);
  await hook.until(() => hook.attempts.length >= 3, 'a delivery in flight');
  first.child.kill('SIGKILL');
  await first.exited;
  expect(deliveredOnce(hook)).toEqual(sent.slice(0, 2));

  hook.reply = () => ({ status: 200 });
  await spawnServer({ ...env(), ...hookEnv(hook) });
  await hook.until(() => deliveredOnce(hook).length === 10, 'every event after the restart');
  expect(deliveredOnce(hook)).toEqual(sent);
  expect(hook.attempts.every((a) => a.signatureValid)).toBe(true);
}

describe('webhooks of a real server process', () => {
  it('delivers after a restart every event committed before a SIGKILL (SQLite)', async () => {
    const dataDir = tempDir();
    await killedAndRestarted(() => ({ DATA_DIR: dataDir }));
  });

  it('delivers after a restart every event committed before a SIGKILL (PostgreSQL)', async () => {
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: freshSchema() };
    await killedAndRestarted(() => ({ ...env, DATA_DIR: tempDir() }));
  });

  it('has one dispatcher in a two-node cluster; when it is killed the other takes over, losing nothing', async () => {
    const hook = await webhookReceiver();
    const cluster = {
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: freshSchema(),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: scratchPrefix(),
      ...hookEnv(hook),
    };
    const one = await spawnServer({ ...cluster, DATA_DIR: tempDir() });
    const two = await spawnServer({ ...cluster, DATA_DIR: tempDir() });
    const gauges = async () => [await dispatcherGauge(one), await dispatcherGauge(two)];
    await waitFor(async () => (await gauges()).includes(1), 'a dispatcher');
    const [g1, g2] = await gauges();
    expect([g1, g2].sort()).toEqual([0, 1]);
    const [leader, other] = g1 === 1 ? [one, two] : [two, one];

    // events written on both nodes reach the receiver through the one dispatcher
    const alice = await openAs(leader.wsUrl, 'alice');
    const bob = await openAs(other.wsUrl, 'bob');
    const sent = [
      (await alice.say('bob', 'from the leader')).id,
      (await bob.say('alice', 'from the other')).id,
    ];
    await hook.until(() => deliveredOnce(hook).length === 2, 'the first events');
    expect(deliveredOnce(hook).sort()).toEqual([...sent].sort());
    expect(await gauges()).toEqual(g1 === 1 ? [1, 0] : [0, 1]);

    // the receiver is down while the dispatcher dies: what is written meanwhile waits in the outbox
    await hook.down();
    sent.push((await alice.say('bob', 'before the kill')).id);
    leader.child.kill('SIGKILL');
    await leader.exited;
    const bob2 = await openAs(other.wsUrl, 'bob');
    for (let i = 0; i < 3; i++) sent.push((await bob2.say('alice', `after the kill ${i}`)).id);
    await waitFor(async () => (await dispatcherGauge(other)) === 1, 'the other node taking over', 10_000);
    await hook.up();
    await hook.until(() => deliveredOnce(hook).length === 6, 'every event', 15_000);
    expect(deliveredOnce(hook).sort()).toEqual([...sent].sort());
  });
});
