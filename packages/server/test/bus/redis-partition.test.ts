import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RedisBus, type RedisBusOptions } from '../../src/bus/redis/redis-bus.js';
import { redisUrl, scratchPrefix } from '../helpers/redis.js';
import { tcpProxy } from '../helpers/tcp-proxy.js';
import { onCleanup } from '../helpers/test-server.js';
import { Recorder } from './recorder.js';

async function node(options: RedisBusOptions): Promise<{ bus: RedisBus; rec: Recorder }> {
  const bus = new RedisBus({ log: pino({ level: 'silent' }), ...options });
  onCleanup(() => bus.close());
  const rec = new Recorder();
  await bus.start(rec);
  return { bus, rec };
}

describe('RedisBus when one node is cut off from Redis', () => {
  it('tells the nodes of the users it could not publish to that they must resync them', async () => {
    const prefix = scratchPrefix();
    const target = new URL(redisUrl);
    const proxy = await tcpProxy(Number(target.port || 6379), target.hostname);
    const cutOff = await node({ url: `redis://127.0.0.1:${proxy.port}`, prefix, publishRetries: 1 });
    const other = await node({ url: redisUrl, prefix });
    await other.bus.join('bob');
    await other.bus.join('carol');
    await cutOff.bus.join('alice');

    await proxy.cut();
    cutOff.bus.publish({ kind: 'message', userId: 'bob', seq: 1, frame: 'lost' });
    cutOff.bus.publish({ kind: 'transient', userId: 'carol', frame: 'typing' }); // lost, nothing to resync
    await expect.poll(() => cutOff.bus.stats.publishErrors, { timeout: 10_000 }).toBe(2);
    expect(other.rec.gaps).toBe(0); // the other node's own link never broke: it cannot know

    await proxy.restore();
    await other.rec.until(
      () => other.rec.gapUsers.includes('bob'),
      'a gap for bob on the other node',
      15_000,
    );
    expect(other.rec.gapUsers).toEqual(['bob']);
    expect(other.rec.of('bob')).toEqual([]);
    // the cut-off node resynced its own sessions too (its subscription was lost)
    await cutOff.rec.until(
      () => cutOff.rec.gapUsers.includes(undefined),
      'the cut-off node to resync itself',
      15_000,
    );
    // and routing works again both ways
    cutOff.bus.publish({ kind: 'message', userId: 'bob', seq: 2, frame: 'after' });
    await other.rec.until(() => other.rec.of('bob').length === 1, 'the frame after recovery');
  }, 40_000);
});
