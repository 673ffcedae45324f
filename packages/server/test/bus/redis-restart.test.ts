import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RedisBus } from '../../src/bus/redis/redis-bus.js';
import { privateRedis } from '../helpers/private-redis.js';
import { uniquePrefix } from '../helpers/redis.js';
import { onCleanup } from '../helpers/test-server.js';
import { Recorder } from './recorder.js';

describe('RedisBus across a Redis restart', () => {
  it('reports a gap on every node, lists its users again, and routes as before', async () => {
    const redis = await privateRedis();
    const prefix = uniquePrefix();
    const nodes = await Promise.all(
      [0, 1].map(async () => {
        const bus = new RedisBus({ url: redis.url, prefix, log: pino({ level: 'silent' }) });
        onCleanup(() => bus.close());
        const rec = new Recorder();
        await bus.start(rec);
        return { bus, rec };
      }),
    );
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    await a.bus.join('alice');
    await b.bus.join('bob');
    expect(await a.bus.isOnline('bob')).toBe(true);

    await redis.stop();
    // while Redis is away: local delivery goes on, remote presence reads offline, nothing throws
    a.bus.publish({ kind: 'transient', userId: 'alice', frame: 'local' });
    expect(a.rec.of('alice').map((d) => d.frame)).toEqual(['local']);
    expect(await a.bus.isOnline('bob')).toBe(false);
    await redis.start(); // empty: every subscription, lease and presence entry is gone

    await Promise.all([
      a.rec.until(() => a.rec.gaps > 0, 'a gap on a', 15_000),
      b.rec.until(() => b.rec.gaps > 0, 'a gap on b', 15_000),
    ]);
    await expect.poll(() => a.bus.isOnline('bob'), { timeout: 5000 }).toBe(true);
    await expect.poll(() => b.bus.isOnline('alice'), { timeout: 5000 }).toBe(true);
    a.bus.publish({ kind: 'message', userId: 'bob', seq: 7, frame: '{"after":"restart"}' });
    await b.rec.until(() => b.rec.of('bob').length === 1, 'the frame routed after the restart');
    expect(b.rec.of('bob')).toEqual([
      { kind: 'message', userId: 'bob', seq: 7, frame: '{"after":"restart"}' },
    ]);
  }, 40_000);
});
