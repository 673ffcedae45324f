import { describe, expect, it } from 'vitest';
import type { TestClient } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';
import { waitFor } from './helpers/wait-for.js';

/**
 * A client written only from the seed never confirms what it receives (action 4 status 1 goes only
 * from server to client there). For it, a message counts as delivered once its WebSocket answered
 * a ping sent after the frame; until then it stays pending and comes again at the next connect.
 */
describe('delivery to a client that does not confirm', () => {
  /** Connects as a seed client: `{action:"1", fromId}` and nothing more. */
  async function seedClient(t: Awaited<ReturnType<typeof startTestServer>>, userId: string, autoPong = true) {
    const c = await t.client({ autoPong });
    c.send({ action: '1', fromId: userId });
    expect(await c.next()).toEqual({ action: '1', toId: userId });
    return c;
  }

  it('sees a live message once: reconnecting does not bring it again', async () => {
    const t = await startTestServer();
    const b = await seedClient(t, 'bob');
    const a = await t.connect('alice');
    const m = await a.say('bob', 'once only');
    expect((await b.nextAction('3')).chatMsg.id).toBe(m.id);
    // a heartbeat round trip: the server's proof ping went out before its reply, and was answered
    expect(await b.drain()).toEqual([]);
    await b.close();
    const b2 = await seedClient(t, 'bob');
    expect(await b2.drain()).toEqual([]);
  });

  it('sees a replayed backlog once', async () => {
    const t = await startTestServer();
    await (await seedClient(t, 'bob')).close();
    const a = await t.connect('alice');
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push((await a.say('bob', `offline ${i}`)).id);
    const b = await seedClient(t, 'bob');
    const got: string[] = [];
    for (let i = 0; i < sent.length; i++) got.push((await b.nextAction('3')).chatMsg.id);
    expect(got).toEqual(sent);
    expect(await b.drain()).toEqual([]);
    await b.close();
    const b2 = await seedClient(t, 'bob');
    expect(await b2.drain()).toEqual([]);
  });

  it('gets a message again when its connection died before answering the ping after it', async () => {
    const t = await startTestServer();
    // this client reads frames but never answers pings, so nothing it gets is proven
    const b = await seedClient(t, 'bob', false);
    const a = await t.connect('alice');
    const m = await a.say('bob', 'did you get it?');
    expect((await b.nextAction('3')).chatMsg.id).toBe(m.id);
    expect(await b.drain()).toEqual([]);
    b.ws.terminate(); // the connection dies; the server never got a pong
    await b.closed;
    await waitFor(() => t.server.core.sessionCount === 1, 'the server to see the connection go');
    const b2 = await seedClient(t, 'bob');
    expect((await b2.nextAction('3')).chatMsg).toMatchObject({ id: m.id, message: 'did you get it?' });
    expect(await b2.drain()).toEqual([]);
    await b2.close();
    // this time its pong came: delivered
    const b3 = await seedClient(t, 'bob');
    expect(await b3.drain()).toEqual([]);
  });

  it('gets a message again when the socket stopped being read before the frame arrived', async () => {
    const t = await startTestServer();
    const b = await seedClient(t, 'bob');
    b.pauseReading(); // neither the frame nor the ping after it are read
    const a = await t.connect('alice');
    const m = await a.say('bob', 'lost on the way');
    // the frame went to bob's connection, whose proof the server still waits for
    const [session] = t.server.core.router.sessionsOf('bob');
    await waitFor(() => session!.unprovenMessages === 1, 'the frame to go out unproven');
    expect(b.received.filter((f) => f.action === '3')).toEqual([]);
    b.ws.terminate();
    await b.closed;
    await waitFor(() => t.server.core.sessionCount === 1, 'the server to see the connection go');
    const b2 = await seedClient(t, 'bob');
    expect((await b2.nextAction('3')).chatMsg.id).toBe(m.id);
  });

  it('confirming clients keep messages pending until they confirm, pongs or not', async () => {
    const t = await startTestServer();
    const b = await t.connect('bob', { confirms: true });
    const a = await t.connect('alice');
    const m1 = await a.say('bob', 'confirm me');
    const m2 = await a.say('bob', 'read me');
    expect((await b.nextAction('3')).chatMsg.id).toBe(m1.id);
    expect((await b.nextAction('3')).chatMsg.id).toBe(m2.id);
    expect(await b.drain()).toEqual([]);
    await b.close();
    const b2 = await t.connect('bob', { confirms: true });
    expect([(await b2.nextAction('3')).chatMsg.id, (await b2.nextAction('3')).chatMsg.id]).toEqual([
      m1.id,
      m2.id,
    ]);
    b2.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m1.id, status: 1 } });
    b2.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m2.id, status: 2 } });
    expect(await a.nextAction('4')).toMatchObject({ chatMsg: { id: m2.id, status: 2 } });
    expect(await b2.drain()).toEqual([]);
    await b2.close();
    const b3 = await t.connect('bob', { confirms: true });
    expect(await b3.drain()).toEqual([]);
  });

  it('a seed client may still confirm and read: proven messages confirm again harmlessly', async () => {
    const t = await startTestServer();
    const b = await seedClient(t, 'bob');
    const a = await t.connect('alice');
    const m = await a.say('bob', 'hello');
    expect((await b.nextAction('3')).chatMsg.id).toBe(m.id);
    await b.drain(); // proven
    b.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m.id, status: 1 } });
    b.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m.id, status: 2 } });
    expect(await a.nextAction('4')).toEqual({
      action: '4',
      fromId: 'bob',
      toId: 'alice',
      chatMsg: { id: m.id, status: 2 },
    });
    expect(await b.drain()).toEqual([]); // no error for either
  });

  it('many messages, many proofs: liveness pings still work and every message is seen once', async () => {
    const t = await startTestServer({ heartbeatIntervalMs: 50 });
    const b = await seedClient(t, 'bob');
    const a = await t.connect('alice');
    const keepAlive = async (c: TestClient) => {
      c.send({ action: '5', fromId: c.userId });
      await c.nextAction('5');
    };
    const sent: string[] = [];
    // several heartbeat intervals of traffic: proof pings interleave with liveness pings
    for (let round = 0; round < 8; round++) {
      for (const id of await a.ids()) sent.push((await a.say('bob', `m ${id}`, id)).id);
      await keepAlive(b);
    }
    const got = b.received.filter((f) => f.action === '3').map((f) => f.chatMsg.id);
    expect(got).toEqual(sent);
    expect(t.server.core.sessionCount).toBe(2); // neither was dropped as unanswering
    await b.close();
    const b2 = await seedClient(t, 'bob');
    expect(await b2.drain()).toEqual([]);
  });
});
