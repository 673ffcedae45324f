import { describe, expect, it } from 'vitest';
import { freshSchema, PG_URL } from '../helpers/postgres.js';
import { redisUrl, scratchPrefix } from '../helpers/redis.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** Three nodes of one cluster: one PostgreSQL schema, one Redis prefix, a data folder each. */
async function cluster(n = 3): Promise<TestServer[]> {
  const databaseSchema = freshSchema();
  const redisPrefix = scratchPrefix();
  const nodes: TestServer[] = [];
  // one at a time: the first applies the migrations (the others would wait on its lock anyway)
  for (let i = 0; i < n; i++)
    nodes.push(await startTestServer({ databaseUrl: PG_URL, databaseSchema, redisUrl, redisPrefix }));
  return nodes;
}

describe('a cluster of three nodes on PostgreSQL and Redis', () => {
  it('lets users on different nodes chat, read, recall and befriend as on one server', async () => {
    const [a, b, c] = (await cluster()) as [TestServer, TestServer, TestServer];
    const alice = await a.connect('alice');
    const bob = await b.connect('bob');
    const carol = await c.connect('carol');

    // a message from node a reaches bob on node b live; the ack comes after the commit
    const m = await alice.say('bob', '你好 from a');
    expect(m.ack).toMatchObject({ action: '4', chatMsg: { id: m.id, status: 1 } });
    const got = await bob.nextAction('3');
    expect(got).toMatchObject({
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { id: m.id, message: '你好 from a', seq: 1 },
    });
    bob.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m.id, status: 2 } });
    expect(await alice.nextAction('4')).toMatchObject({ fromId: 'bob', chatMsg: { id: m.id, status: 2 } });

    // recall from node a reaches bob on node b
    const r = await alice.say('bob', 'oops');
    await bob.nextAction('3');
    alice.send({ action: '6', fromId: 'alice', toId: 'bob', chatMsg: { id: r.id } });
    await alice.nextAction('6');
    expect(await bob.nextAction('6')).toEqual({
      action: '6',
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { id: r.id },
    });

    // a friend request from node c, accepted on node a: both contact lists, read from any node
    carol.send({ action: '8', fromId: 'carol', toId: 'alice', chatMsg: { message: 'hi, I am carol' } });
    await carol.nextAction('8');
    expect(await alice.nextAction('8')).toMatchObject({ fromId: 'carol', toId: 'alice' });
    alice.send({ action: '9', fromId: 'alice', toId: 'carol', accepted: true });
    await alice.nextAction('9');
    expect(await carol.nextAction('9')).toMatchObject({ fromId: 'alice', accepted: true });
    const carolOnB = await b.connect('carol');
    expect((await carolOnB.request({ action: '11', fromId: 'carol' })).contacts).toEqual([
      { toId: 'alice', toName: 'alice' },
    ]);

    // presence of a contact connected to another node
    expect((await carol.request({ action: '7', fromId: 'carol', toId: 'alice' })).online).toBe(true);
    await alice.close();
    await expect
      .poll(async () => (await carol.request({ action: '7', fromId: 'carol', toId: 'alice' })).online, {
        timeout: 5000,
      })
      .toBe(false);

    // history from the third node: the whole conversation, the recall applied
    const aliceOnC = await c.connect('alice');
    const h = await aliceOnC.request({ action: '12', fromId: 'alice', toId: 'bob' });
    expect(
      h.historyMsgs.map((e: { chatMsg: { id: string; status: number; message: string } }) => e.chatMsg),
    ).toMatchObject([
      { id: m.id, status: 2, message: '你好 from a' },
      { id: r.id, message: '' },
    ]);
  });

  it("shows what one device sends on the sender's devices on other nodes, not on the sending one", async () => {
    const [a, b, c] = (await cluster()) as [TestServer, TestServer, TestServer];
    const alice = await a.connect('alice');
    const web = await a.connect('bob');
    const phone = await b.connect('bob');
    const tablet = await c.connect('bob');
    const sent = await web.say('alice', 'sent on the web, node a');
    for (const device of [phone, tablet])
      expect(await device.nextAction('3')).toMatchObject({
        fromId: 'bob',
        toId: 'alice',
        chatMsg: { id: sent.id, message: 'sent on the web, node a', status: 1, seq: 1 },
      });
    expect((await alice.nextAction('3')).chatMsg).toMatchObject({ id: sent.id, seq: 1 });
    // from a node with no other device of bob's, the copy goes to the other nodes only
    const fromPhone = await phone.say('alice', 'sent on the phone, node b');
    for (const device of [web, tablet])
      expect((await device.nextAction('3')).chatMsg).toMatchObject({ id: fromPhone.id, seq: 2 });
    expect((await web.drain()).filter((f) => f.action === '3')).toEqual([]);
    expect((await phone.drain()).filter((f) => f.action === '3')).toEqual([]);
  });

  it('keeps each user a gap-free timeline when several nodes write to it at once', async () => {
    const [a, b, c] = (await cluster()) as [TestServer, TestServer, TestServer];
    const senders = await Promise.all([a.connect('s1'), b.connect('s2'), c.connect('s3')]);
    const bob = await a.connect('bob');
    const N = 30;
    await Promise.all(
      senders.map(async (s) => {
        for (let i = 0; i < N; i++) await s.say('bob', `${s.userId}-${i}`);
      }),
    );
    const seqs: number[] = [];
    while (seqs.length < 3 * N) {
      const f = await bob.nextAction('3');
      seqs.push(f.chatMsg.seq as number);
    }
    // delivered live in any order across nodes, but the positions are exactly 1..90
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 3 * N }, (_, i) => i + 1));
    // a device that had everything up to 45 catches up on exactly the rest, in order
    const device = await c.client();
    device.send({ action: '1', fromId: 'bob', since: 45 });
    await device.nextAction('1');
    const caught = (await device.drain()).filter((f) => f.action === '3').map((f) => f.chatMsg.seq);
    expect(caught).toEqual(Array.from({ length: 45 }, (_, i) => i + 46));
  });
});
