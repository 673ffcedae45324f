import { describe, expect, it } from 'vitest';
import { freshSchema, PG_URL } from '../helpers/postgres.js';
import { privateRedis } from '../helpers/private-redis.js';
import { redisUrl, scratchPrefix, uniquePrefix } from '../helpers/redis.js';
import { spawnServer } from '../helpers/server-process.js';
import { openAs as open, sendPipelined } from '../helpers/streams.js';
import type { Frame, TestClient } from '../helpers/test-client.js';
import { startTestServer, tempDir } from '../helpers/test-server.js';

/** The settings every node of one cluster shares (a schema and a Redis prefix of this test's own). */
function clusterEnv(): Record<string, string> {
  const prefix = scratchPrefix();
  return {
    DATABASE_URL: PG_URL,
    DATABASE_SCHEMA: freshSchema(),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    MAX_FRAMES_PER_SECOND: '0',
    MAX_USER_FRAMES_PER_SECOND: '0',
  };
}

/** Every message of a conversation in `userId`'s history, oldest first (all pages). */
async function wholeHistory(c: TestClient, peer: string): Promise<Frame[]> {
  const all: Frame[] = [];
  let base: string | undefined;
  for (;;) {
    const page = await c.request({
      action: '12',
      fromId: c.userId,
      toId: peer,
      pageSize: 100,
      ...(base && { baseMsgId: base }),
    });
    const entries = page.historyMsgs as Frame[];
    if (entries.length === 0) return all;
    all.unshift(...entries);
    base = entries[0]!.chatMsg.id;
  }
}

describe('a cluster when a node dies', () => {
  it("loses no acknowledged message and doubles none when the sender's node is SIGKILLed under load", async () => {
    const env = clusterEnv();
    const nodeA = await spawnServer({ ...env, DATA_DIR: tempDir() });
    const nodeB = await spawnServer({ ...env, DATA_DIR: tempDir() });
    await (await open(nodeB.wsUrl, 'bob')).close();
    const alice = await open(nodeA.wsUrl, 'alice');
    const ids: string[] = [];
    while (ids.length < 200) ids.push(...(await alice.ids()));
    let onHalf!: () => void;
    const half = new Promise<void>((resolve) => {
      onHalf = resolve;
    });
    const acked = sendPipelined(alice, 'bob', ids, () => {
      nodeA.child.kill('SIGKILL');
      onHalf();
    });
    await half;
    await nodeA.exited;
    const sureAcked = new Set(acked);
    expect(sureAcked.size).toBeGreaterThanOrEqual(ids.length / 2);

    // the client retries everything it has no ack for, with the same ids, on the other node
    const again = await open(nodeB.wsUrl, 'alice');
    for (const [i, id] of ids.entries()) {
      if (sureAcked.has(id)) continue;
      const { ack } = await again.say('bob', `m${i}`, id);
      expect(ack).toMatchObject({ action: '4', chatMsg: { id, status: 1 } });
    }
    // history has every message exactly once, with its text
    const h = await wholeHistory(again, 'bob');
    expect(h.map((e) => e.chatMsg.id)).toEqual(ids);
    for (const [i, e] of h.entries()) expect(e.chatMsg.message).toBe(`m${i}`);
    // and bob gets all of them, each once, in order
    const bob = await open(nodeB.wsUrl, 'bob');
    const got = (await bob.drain()).filter((f) => f.action === '3').map((f) => f.chatMsg.id);
    expect(got).toEqual(ids);
  }, 60_000);

  it('gets a recipient everything, once, after its node is SIGKILLed mid-stream', async () => {
    const env = clusterEnv();
    const nodeA = await spawnServer({ ...env, DATA_DIR: tempDir() });
    const nodeB = await spawnServer({ ...env, DATA_DIR: tempDir() });
    const bob = await open(nodeB.wsUrl, 'bob');
    const alice = await open(nodeA.wsUrl, 'alice');
    const ids: string[] = [];
    while (ids.length < 200) ids.push(...(await alice.ids()));
    const live: Frame[] = [];
    bob.ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as Frame;
      if (f.action === '3') live.push(f);
    });
    let allAcked!: () => void;
    const done = new Promise<void>((resolve) => {
      allAcked = resolve;
    });
    const acked = sendPipelined(alice, 'bob', ids, () => nodeB.child.kill('SIGKILL'));
    alice.ws.on('message', () => {
      if (acked.size === ids.length) allAcked();
    });
    await done; // the sender's node stored and acknowledged everything
    await nodeB.exited;
    // bob's device reconnects to the surviving node from the last position it saw
    const cursor = Math.max(0, ...live.map((f) => f.chatMsg.seq as number));
    const back = await open(nodeA.wsUrl, 'bob', cursor);
    const rest = (await back.drain()).filter((f) => f.action === '3');
    const seen = [...live, ...rest].map((f) => f.chatMsg.id);
    expect(seen).toEqual(ids); // all of them, each once, in order
  }, 60_000);
});

describe('a cluster when Redis restarts', () => {
  it('closes the connections that may have missed frames (1012), and they resync from the store', async () => {
    const redis = await privateRedis();
    const shared = {
      databaseUrl: PG_URL,
      databaseSchema: freshSchema(),
      redisUrl: redis.url,
      redisPrefix: uniquePrefix(),
    };
    const a = await startTestServer(shared);
    const b = await startTestServer(shared);
    const alice = await a.connect('alice');
    const bob = await b.connect('bob');
    const before = await alice.say('bob', 'before');
    const first = await bob.nextAction('3');
    expect(first.chatMsg.id).toBe(before.id);

    await redis.stop();
    // stored and acknowledged while Redis is away; live routing to node b is gone
    const during = await alice.say('bob', 'during');
    expect(during.ack).toMatchObject({ action: '4', chatMsg: { status: 1 } });
    await redis.start();
    // both nodes lost their subscriptions: their sessions are closed to resync
    expect((await bob.closed).code).toBe(1012);
    expect((await alice.closed).code).toBe(1012);

    const again = await open(b.wsUrl, 'bob', first.chatMsg.seq as number);
    const resynced = (await again.drain()).filter((f) => f.action === '3').map((f) => f.chatMsg.id);
    expect(resynced).toEqual([during.id]);
    const aliceAgain = await open(a.wsUrl, 'alice');
    const after = await aliceAgain.say('bob', 'after');
    expect((await again.nextAction('3', 10_000)).chatMsg.id).toBe(after.id);
  }, 60_000);
});
