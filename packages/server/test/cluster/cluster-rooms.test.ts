import { describe, expect, it } from 'vitest';
import { freshSchema, PG_URL } from '../helpers/postgres.js';
import { redisUrl, scratchPrefix } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { join, leave, roomChatMsg, roomMessage } from '../rooms/room-frames.js';

/** Two nodes of one cluster: one PostgreSQL schema, one Redis prefix, a data folder each. */
async function twoNodes(config: { roomRecentMessages?: number } = {}): Promise<[TestServer, TestServer]> {
  const databaseSchema = freshSchema();
  const redisPrefix = scratchPrefix();
  const a = await startTestServer({ databaseUrl: PG_URL, databaseSchema, redisUrl, redisPrefix, ...config });
  const b = await startTestServer({ databaseUrl: PG_URL, databaseSchema, redisUrl, redisPrefix, ...config });
  return [a, b];
}

describe('chat rooms on a cluster of two nodes (PostgreSQL and Redis)', () => {
  it('delivers a message posted on one node to the members on the other, and shares the window', async () => {
    const [a, b] = await twoNodes();
    const alice = await a.connect('alice');
    const aliceOnB = await b.connect('alice'); // the same user on the other node, also in the room
    const bob = await b.connect('bob');
    const dave = await a.connect('dave'); // on a, in another room
    await join(alice, '!lobby');
    await join(aliceOnB, '!lobby');
    await join(bob, '!lobby');
    await join(dave, '!other');

    const m = await alice.say('!lobby', 'from node a');
    expect(m.ack).toMatchObject({ action: '4', fromId: '!lobby', chatMsg: { id: m.id, status: 1 } });
    expect(await bob.nextAction('3')).toEqual(roomMessage('alice', '!lobby', m.id, 'from node a'));
    expect(await aliceOnB.nextAction('3')).toEqual(roomMessage('alice', '!lobby', m.id, 'from node a'));

    const r = await bob.say('!lobby', 'from node b');
    expect(await alice.nextAction('3')).toEqual(roomMessage('bob', '!lobby', r.id, 'from node b'));
    expect(await aliceOnB.nextAction('3')).toEqual(roomMessage('bob', '!lobby', r.id, 'from node b'));

    // transient frames cross nodes too
    bob.send({
      action: '3',
      fromId: 'bob',
      toId: '!lobby',
      store: false,
      chatMsg: { id: 'T1', type: 2, message: '…' },
    });
    expect(await bob.nextAction('4')).toMatchObject({ chatMsg: { id: 'T1', status: 1 } });
    expect(await alice.nextAction('3')).toMatchObject({
      toId: '!lobby',
      store: false,
      chatMsg: { id: 'T1' },
    });

    // a late joiner on either node gets the same window from the shared store
    const carol = await b.connect('carol');
    const window = (await join(carol, '!lobby')).recent;
    expect(window).toEqual([
      {
        fromId: 'alice',
        toId: '!lobby',
        chatMsg: { ...roomChatMsg(m.id, 'from node a'), ts: m.ack.chatMsg.ts },
      },
      {
        fromId: 'bob',
        toId: '!lobby',
        chatMsg: { ...roomChatMsg(r.id, 'from node b'), ts: r.ack.chatMsg.ts },
      },
    ]);
    const erin = await a.connect('erin');
    expect((await join(erin, '!lobby')).recent).toEqual(window);

    // the last member on b leaving stops delivery there; the others still get it
    await leave(bob, '!lobby');
    await leave(aliceOnB, '!lobby');
    await carol.close();
    await waitFor(() => b.server.core.rooms.memberCount('!lobby') === 0, 'b to have nobody in the room');
    const last = await alice.say('!lobby', 'after b left');
    expect(await erin.nextAction('3')).toEqual(roomMessage('alice', '!lobby', last.id, 'after b left'));
    for (const c of [alice, aliceOnB, bob, dave]) {
      expect((await c.drain()).filter((f) => f.action === '3' && f.chatMsg.id === last.id)).toEqual([]);
    }
  });

  it('numbers and trims a room written from both nodes at once, and delivers everything to everyone', async () => {
    const [a, b] = await twoNodes({ roomRecentMessages: 10 });
    const senders = [await a.connect('s1'), await b.connect('s2')];
    const listeners = [await a.connect('l1'), await b.connect('l2')];
    for (const c of [...senders, ...listeners]) await join(c, '!busy');
    const N = 15;
    await Promise.all(
      senders.map(async (s) => {
        for (let i = 0; i < N; i++) await s.say('!busy', `${s.userId} ${i}`);
      }),
    );
    for (const l of listeners) {
      const got: string[] = [];
      while (got.length < 2 * N) got.push((await l.nextAction('3')).chatMsg.message);
      // each sender's messages arrive in the order it sent them
      for (const s of senders)
        expect(got.filter((m) => m.startsWith(`${s.userId} `))).toEqual(
          Array.from({ length: N }, (_, i) => `${s.userId} ${i}`),
        );
    }
    const late = await a.connect('late');
    const recent = (await join(late, '!busy')).recent as { chatMsg: { message: string; ts: number } }[];
    expect(recent).toHaveLength(10);
    for (const s of senders) {
      const mine = recent.map((e) => e.chatMsg.message).filter((m) => m.startsWith(`${s.userId} `));
      expect(mine).toEqual([...mine].sort((x, y) => Number(x.split(' ')[1]) - Number(y.split(' ')[1])));
    }
  });
});
