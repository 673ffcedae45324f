import { describe, expect, it } from 'vitest';
import { freshSchema, PG_URL } from '../helpers/postgres.js';
import { redisUrl, scratchPrefix } from '../helpers/redis.js';
import type { Frame } from '../helpers/test-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

async function twoNodes(): Promise<[TestServer, TestServer]> {
  const databaseSchema = freshSchema();
  const redisPrefix = scratchPrefix();
  const a = await startTestServer({ databaseUrl: PG_URL, databaseSchema, redisUrl, redisPrefix });
  const b = await startTestServer({ databaseUrl: PG_URL, databaseSchema, redisUrl, redisPrefix });
  return [a, b];
}

const entrySeq = (f: Frame): number => f.chatMsg?.seq ?? f.event?.seq;

describe('groups on a cluster (PostgreSQL and Redis)', () => {
  it('delivers group entries across nodes, in group order, to every device, and syncs the absent', async () => {
    const [a, b] = await twoNodes();
    const alice = await a.connect('alice');
    const bobOnB = await b.connect('bob');
    const bobOnA = await a.connect('bob'); // a second device of bob, on the other node
    await (await b.connect('carol')).close();
    const g = (
      await alice.request({ action: '13', fromId: 'alice', name: 'x-node', members: ['bob', 'carol'] })
    ).group.id;
    // senders on both nodes at once
    const sent = await Promise.all([
      alice.say(g, 'from a 1'),
      bobOnB.say(g, 'from b 1'),
      alice.say(g, 'from a 2'),
      bobOnB.say(g, 'from b 2'),
    ]);
    for (const s of sent) expect(s.ack).toMatchObject({ action: '4', fromId: g });
    // bob's device on node a gets everything (also what bob sent from node b), in group order
    const onA: Frame[] = [];
    while (onA.length < 5) onA.push(await bobOnA.next((f) => f.action === '3' || f.action === '16'));
    expect(onA.map(entrySeq)).toEqual([1, 2, 3, 4, 5]);
    // carol, away, syncs it all at her next connect on node a
    const carol = await a.connect('carol');
    const synced = (await carol.drain()).filter((f) => f.action === '3' || f.action === '16');
    expect(synced.map(entrySeq)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(synced.slice(1).map((f) => f.chatMsg.id))).toEqual(new Set(sent.map((s) => s.id)));
    // a change made on node b reaches alice on node a
    bobOnB.send({ action: '14', fromId: 'bob', toId: g, op: 'leave' });
    await bobOnB.nextAction('14');
    expect(await alice.next((f) => f.action === '16' && f.event.type === 'left')).toMatchObject({
      fromId: 'bob',
      event: { users: ['bob'], seq: 6 },
    });
  });
});
