import { CloseCode } from '@parley/protocol';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../src/bus/redis/redis-bus.js';
import { adminConnection, deleteKeys, redisUrl, uniquePrefix } from './helpers/redis.js';
import type { TestClient } from './helpers/test-client.js';
import { startTestServer, type TestServer, tempDir } from './helpers/test-server.js';
import { waitFor } from './helpers/wait-for.js';

// Two real servers meeting in Redis. Each has its own data folder: they do not share a store yet
// (PostgreSQL comes next), so only what the bus gives is tested here: presence and transient frames.

let admin: Redis;
const prefixes: string[] = [];
beforeAll(async () => {
  admin = await adminConnection();
});
afterAll(async () => {
  for (const p of prefixes) await deleteKeys(admin, p);
  admin.disconnect();
});

/** Two nodes of one cluster, on a key prefix of their own. */
async function twoNodes(): Promise<[TestServer, TestServer]> {
  const redisPrefix = uniquePrefix();
  prefixes.push(redisPrefix);
  // presence answers about anyone here (the default scope is contacts; the stores are separate)
  const a = await startTestServer({ redisUrl, redisPrefix, presenceScope: 'all' });
  const b = await startTestServer({ redisUrl, redisPrefix, presenceScope: 'all' });
  return [a, b];
}

const presence = async (c: TestClient, from: string, to: string) =>
  (await c.request({ action: '7', fromId: from, toId: to })).online as boolean;

const ping = (from: string, to: string, id: string) => ({
  action: '3',
  fromId: from,
  toId: to,
  store: false,
  chatMsg: { id, type: 2, message: `${id} from ${from}` },
});

describe('cluster mode over Redis', () => {
  it('answers presence (action 7) for a user connected to the other node', async () => {
    const [a, b] = await twoNodes();
    const alice = await a.connect('alice');
    expect(await presence(alice, 'alice', 'bob')).toBe(false);
    const bob = await b.connect('bob');
    expect(await presence(alice, 'alice', 'bob')).toBe(true);
    expect(await presence(bob, 'bob', 'alice')).toBe(true);
    await bob.close();
    await waitFor(async () => !(await presence(alice, 'alice', 'bob')), 'bob to go offline on node a');
  });

  it('routes a transient message (store: false) from a user on one node to a user on the other', async () => {
    const [a, b] = await twoNodes();
    const alice = await a.connect('alice');
    const bobHere = await a.connect('bob');
    const bobThere = await b.connect('bob');
    alice.send(ping('alice', 'bob', 'PING_1'));
    expect(await alice.nextAction('4')).toMatchObject({
      fromId: 'bob',
      chatMsg: { id: 'PING_1', status: 1 },
    });
    for (const bob of [bobHere, bobThere]) {
      expect(await bob.nextAction('3')).toMatchObject({
        fromId: 'alice',
        toId: 'bob',
        store: false,
        chatMsg: { id: 'PING_1', type: 2, message: 'PING_1 from alice' },
      });
    }
    // and back, from node b to node a
    bobThere.send(ping('bob', 'alice', 'PONG_1'));
    expect(await alice.nextAction('3')).toMatchObject({
      fromId: 'bob',
      store: false,
      chatMsg: { id: 'PONG_1' },
    });
    expect(await bobHere.drain()).toEqual([]);
  });

  it('closes the sessions of a node with 1012 when its Redis subscription was interrupted', async () => {
    const [a, b] = await twoNodes();
    const alice = await a.connect('alice');
    const bob = await b.connect('bob');
    const bus = b.server.core.bus;
    if (!(bus instanceof RedisBus)) throw new Error('node b does not run a RedisBus');
    const list = (await admin.client('LIST')) as string;
    const id = list
      .split('\n')
      .find((l) => l.includes(` name=parley-sub-${bus.nodeId} `))
      ?.match(/^id=(\d+) /)?.[1];
    if (!id) throw new Error('no subscription connection of node b');
    await admin.client('KILL', 'ID', id);
    expect((await bob.closed).code).toBe(CloseCode.ServiceRestart);
    // bob comes back and is reachable again
    const again = await b.connect('bob');
    alice.send(ping('alice', 'bob', 'PING_2'));
    expect(await again.nextAction('3')).toMatchObject({ chatMsg: { id: 'PING_2' } });
  });
});

describe('cluster mode start', () => {
  it('refuses to start when Redis cannot be reached, naming the URL, and releases the data folder', async () => {
    const dataDir = tempDir();
    const failed = startTestServer({ redisUrl: 'redis://127.0.0.1:1' }, {}, dataDir);
    await expect(failed).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    // the lock and the database were let go: a server starts on the same folder
    const next = await startTestServer({}, {}, dataDir);
    await next.stop();
  });
});
