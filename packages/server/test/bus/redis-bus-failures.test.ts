import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus, type RedisBusOptions } from '../../src/bus/redis/redis-bus.js';
import { adminConnection, deleteKeys, keysUnder, redisUrl, uniquePrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { Recorder } from './recorder.js';

const prefix = uniquePrefix();
let admin: Redis;
beforeAll(async () => {
  admin = await adminConnection();
});
afterAll(async () => {
  await deleteKeys(admin, prefix);
  admin.disconnect();
});

const open: RedisBus[] = [];
afterEach(async () => {
  for (const bus of open.splice(0)) await bus.close();
});

async function node(options: Partial<RedisBusOptions> = {}): Promise<{ bus: RedisBus; rec: Recorder }> {
  const bus = new RedisBus({ url: redisUrl, prefix, log: pino({ level: 'silent' }), ...options });
  open.push(bus);
  const rec = new Recorder();
  await bus.start(rec);
  return { bus, rec };
}

/** Kills a connection of a bus from the server's side, as a network cut or a Redis restart would. */
async function killConnection(bus: RedisBus, role: 'sub' | 'cmd'): Promise<void> {
  const list = (await admin.client('LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=parley-${role}-${bus.nodeId} `));
  const id = line?.match(/^id=(\d+) /)?.[1];
  if (!id) throw new Error(`no ${role} connection of node ${bus.nodeId} in CLIENT LIST`);
  await admin.client('KILL', 'ID', id);
}

describe('RedisBus leases', () => {
  it("shows a killed node's users offline once its lease runs out", async () => {
    const a = await node({ leaseMs: 300 });
    const b = await node({ leaseMs: 300 });
    await a.bus.join('u1');
    expect(await b.bus.isOnline('u1')).toBe(true);
    a.bus.kill(); // no goodbye: the lease and the presence entry stay behind
    expect(await admin.exists(`${prefix}node:${a.bus.nodeId}`)).toBe(1);
    await waitFor(async () => !(await b.bus.isOnline('u1')), 'the lease of the killed node to expire', 3000);
    // the dead entry was cleaned up on the way
    expect(await admin.exists(`${prefix}presence:u1`)).toBe(0);
    a.bus.publish({ kind: 'transient', userId: 'u1', frame: 'x' });
    await a.bus.close();
  });

  it('keeps a live node online over many lease periods', async () => {
    // renewed every ~170 ms: short enough to go through several periods, long enough for a busy CI
    const a = await node({ leaseMs: 500 });
    const b = await node({ leaseMs: 500 });
    await a.bus.join('u1');
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      expect(await b.bus.isOnline('u1')).toBe(true);
      await new Promise((r) => setTimeout(r, 25));
    }
  });

  it('lists its users again when its lease lapsed while it was alive (a stall, or Redis lost it)', async () => {
    const a = await node({ leaseMs: 300 });
    const b = await node({ leaseMs: 300 });
    await a.bus.join('u1');
    await admin.del(`${prefix}node:${a.bus.nodeId}`);
    expect(await b.bus.isOnline('u1')).toBe(false); // and b drops a's entry as dead
    expect(await admin.exists(`${prefix}presence:u1`)).toBe(0);
    await waitFor(() => b.bus.isOnline('u1'), 'the renewal to notice and re-assert', 3000);
  });

  it('leaves nothing in Redis after a clean close', async () => {
    const a = await node();
    const b = await node();
    await a.bus.join('u1');
    await a.bus.join('u2');
    await b.bus.join('u2');
    await a.bus.leave('u1');
    await a.bus.close();
    await b.bus.close();
    expect(await keysUnder(admin, prefix)).toEqual([]);
  });
});

describe('RedisBus gaps', () => {
  it('reports a gap once its subscription is back, and routes again', async () => {
    const a = await node();
    const b = await node();
    await a.bus.join('u1');
    await killConnection(a.bus, 'sub');
    await a.rec.until(() => a.rec.gaps === 1, 'the gap');
    b.bus.publish({ kind: 'transient', userId: 'u1', frame: 'after the gap' });
    await a.rec.count('u1', 1);
    expect(a.rec.of('u1').map((d) => d.frame)).toEqual(['after the gap']);
    expect(await b.bus.isOnline('u1')).toBe(true);
    expect(a.bus.stats.gaps).toBe(1);
  });

  it('after Redis lost everything, re-subscribes and re-lists every joined user, including joins while it was away', async () => {
    const a = await node();
    const b = await node();
    await a.bus.join('u1');
    // as a restarted Redis without persistence would be: empty, and every connection cut
    await deleteKeys(admin, prefix);
    await killConnection(a.bus, 'sub');
    await killConnection(a.bus, 'cmd');
    await a.bus.join('u2'); // while the connections come back: resolves, covered by the recovery
    await a.rec.until(() => a.rec.gaps >= 1, 'the gap');
    for (const u of ['u1', 'u2']) b.bus.publish({ kind: 'transient', userId: u, frame: `to ${u}` });
    await a.rec.count('u1', 1);
    await a.rec.count('u2', 1);
    await waitFor(
      async () => (await b.bus.isOnline('u1')) && (await b.bus.isOnline('u2')),
      'presence to be re-asserted',
    );
  });

  it('keeps local delivery going while the publishing connection is down', async () => {
    const a = await node();
    await a.bus.join('u1');
    await killConnection(a.bus, 'cmd');
    a.bus.publish({ kind: 'transient', userId: 'u1', frame: 'local' });
    expect(a.rec.of('u1').map((d) => d.frame)).toEqual(['local']);
    expect(await a.bus.isOnline('u1')).toBe(true);
  });
});

describe('RedisBus input', () => {
  it('drops, counts and survives what is not a delivery on a user channel', async () => {
    const a = await node();
    const b = await node();
    await a.bus.join('u1');
    for (const junk of [
      '',
      'no header',
      'x1 node\nframe',
      'm12a node\nframe',
      'm1\nframe',
      'm99999999999999999 n\nf',
    ])
      await admin.publish(`${prefix}u:u1`, junk);
    b.bus.publish({ kind: 'message', userId: 'u1', seq: 7, frame: 'ok' });
    await a.rec.count('u1', 1);
    expect(a.rec.of('u1')).toEqual([{ kind: 'message', userId: 'u1', seq: 7, frame: 'ok' }]);
    expect(a.bus.stats).toMatchObject({ malformed: 6, received: 1 });
  });
});

describe('RedisBus start', () => {
  it('fails clearly, naming the URL without its password, when Redis cannot be reached', async () => {
    const bus = new RedisBus({
      url: 'redis://someone:hunter2@127.0.0.1:1',
      prefix,
      connectTimeoutMs: 300,
      log: pino({ level: 'silent' }),
    });
    const err = await bus.start(new Recorder()).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(
      /cannot reach Redis at redis:\/\/someone:\*\*\*@127\.0\.0\.1:1\/? within 300 ms/,
    );
    expect(err?.message).not.toContain('hunter2');
    await bus.close();
    await bus.close();
  });

  it('can be started only once', async () => {
    const a = await node();
    await expect(a.bus.start(new Recorder())).rejects.toThrow(/once/);
  });
});

describe('RedisBus rooms', () => {
  it('subscribes its rooms again after a lost subscription, including rooms joined while it was away', async () => {
    const a = await node();
    const b = await node();
    await a.bus.subscribeRoom('!one');
    await killConnection(a.bus, 'sub');
    await a.bus.subscribeRoom('!two'); // while the connection comes back: covered by the recovery
    await a.rec.until(() => a.rec.gaps === 1, 'the gap');
    for (const room of ['!one', '!two']) b.bus.publishRoom({ roomId: room, frame: `to ${room}` });
    await a.rec.until(() => a.rec.rooms.length === 2, 'a frame in each room');
    expect(a.rec.rooms.map((r) => r.d.frame).sort()).toEqual(['to !one', 'to !two']);
  });

  it('takes a room joined in the instant its connection dies without an error, and covers it after', async () => {
    const a = await node();
    const b = await node();
    // the socket is gone but ioredis has not seen the close yet: still 'ready', no longer writable
    const sub = (a.bus as unknown as { sub: { status: string; stream: { destroy(): void } } }).sub;
    sub.stream.destroy();
    expect(sub.status).toBe('ready');
    await a.bus.subscribeRoom('!instant');
    await a.rec.until(() => a.rec.gaps === 1, 'the gap');
    b.bus.publishRoom({ roomId: '!instant', frame: 'after' });
    await a.rec.until(() => a.rec.rooms.length === 1, 'the room frame');
  });

  it('drops, counts and survives what is not a delivery on a room channel', async () => {
    const a = await node();
    const b = await node();
    await a.bus.subscribeRoom('!lobby');
    for (const junk of ['', 'no header', 'x1 node\nframe', 'm12a node\nframe', 'm1\nframe', 't \nframe'])
      await admin.publish(`${prefix}r:!lobby`, junk);
    b.bus.publishRoom({ roomId: '!lobby', seq: 3, frame: 'ok' });
    await a.rec.until(() => a.rec.rooms.length === 1, 'the room frame');
    expect(a.rec.ofRoom('!lobby')).toEqual([{ roomId: '!lobby', seq: 3, frame: 'ok' }]);
    expect(a.bus.stats).toMatchObject({ malformed: 6, received: 1 });
  });
});
