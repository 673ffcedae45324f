import { describe, expect, it } from 'vitest';
import { textFrame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';
import { waitFor } from './helpers/wait-for.js';

describe('limits', () => {
  it('slows a pipelined burst instead of refusing it: 300 messages, all acked in order', async () => {
    const t = await startTestServer(); // the default limits: 100 frames/s per connection, burst 200
    const b = await t.connect('bob');
    const a = await t.connect('alice');
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(...(await a.ids()));
    for (const id of ids) a.send(textFrame('alice', 'bob', id, `burst ${id}`));
    const replies = [];
    for (let i = 0; i < ids.length; i++) replies.push(await a.next());
    expect(replies.filter((f) => f.action !== '4')).toEqual([]); // none refused
    expect(replies.map((f) => f.chatMsg.id)).toEqual(ids);
    const got = [];
    for (let i = 0; i < ids.length; i++) got.push((await b.nextAction('3')).chatMsg.id);
    expect(got).toEqual(ids);
  });

  it('a flooding connection is read slowly and does not starve another user', async () => {
    const t = await startTestServer({ framesPerSecond: 20, userFramesPerSecond: 0 });
    const flood = await t.connect('mallory');
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    // mallory pipelines without pause, keeping its socket full (what the server does not read
    // waits in TCP buffers)
    let flooding = true;
    let sent = 0;
    const pump = () => {
      if (!flooding) return;
      while (flood.ws.bufferedAmount < 64 * 1024) {
        flood.send({ action: '11', fromId: 'mallory' });
        sent++;
      }
      setImmediate(pump);
    };
    pump();
    try {
      // meanwhile alice and bob chat: every message is acked and delivered
      for (let i = 0; i < 20; i++) {
        const m = await a.say('bob', `still here ${i}`);
        expect(m.ack.action).toBe('4');
        expect((await b.nextAction('3')).chatMsg.id).toBe(m.id);
      }
    } finally {
      flooding = false;
    }
    expect(sent).toBeGreaterThan(1000);
    // mallory was slowed, never refused: what it got so far are contact lists, in order
    expect(flood.received.length).toBeGreaterThan(0);
    expect(flood.received.filter((f) => f.action !== '11' && f.action !== '1')).toEqual([]);
    flood.ws.terminate(); // a close frame would wait behind everything still unread
  });

  it('shapes a user across all its connections', async () => {
    const t = await startTestServer({ framesPerSecond: 0, userFramesPerSecond: 10 });
    const c1 = await t.connect('mallory');
    const c2 = await t.connect('mallory');
    const started = Date.now();
    for (let i = 0; i < 30; i++) (i % 2 ? c1 : c2).send({ action: '11', fromId: 'mallory' });
    const replies = [
      ...(await Promise.all(Array.from({ length: 15 }, () => c1.next()))),
      ...(await Promise.all(Array.from({ length: 15 }, () => c2.next()))),
    ];
    expect(replies.filter((f) => f.action !== '11')).toEqual([]); // none refused
    // a burst of 20 at most, then 10 a second: the last 10 frames (at least) waited for tokens
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });

  it('limits connections per user', async () => {
    const t = await startTestServer({ maxConnectionsPerUser: 2 });
    await t.connect('alice');
    await t.connect('alice');
    const third = await t.client();
    third.send({ action: '1', fromId: 'alice' });
    expect(await third.next()).toMatchObject({ action: '0', code: 'RATE_LIMITED', error: /2 connections/ });
    expect((await third.closed).code).toBe(1008);
    expect((await t.connect('bob')).userId).toBe('bob');
  });

  it('limits id batches per minute', async () => {
    const t = await startTestServer({ idBatchesPerMinute: 3 });
    const a = await t.connect('alice');
    for (let i = 0; i < 3; i++) expect((await a.ids()).length).toBe(10);
    expect(await a.request({ action: '2', fromId: 'alice' }, '0')).toMatchObject({
      code: 'RATE_LIMITED',
      ref: { action: '2' },
    });
  });

  it('limits friend requests waiting for an answer', async () => {
    const t = await startTestServer({ maxPendingFriendRequests: 2 });
    for (const u of ['b', 'c', 'd']) await (await t.connect(u)).close();
    const a = await t.connect('a');
    expect((await a.request({ action: '8', fromId: 'a', toId: 'b' })).action).toBe('8');
    expect((await a.request({ action: '8', fromId: 'a', toId: 'c' })).action).toBe('8');
    expect(await a.request({ action: '8', fromId: 'a', toId: 'd' }, '0')).toMatchObject({
      code: 'RATE_LIMITED',
    });
  });

  it('drops a client that never reads, which later receives everything', async () => {
    const t = await startTestServer({
      maxBufferedBytes: 64 * 1024,
      framesPerSecond: 0,
      userFramesPerSecond: 0,
      idBatchesPerMinute: 0,
    });
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    const socket = (b.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause(); // bob stops reading
    const body = 'x'.repeat(15_000);
    const sent: string[] = [];
    // loopback socket buffers hold a few MB; keep sending until the server has dropped bob
    while (t.server.core.sessionCount === 2 && sent.length < 5000) {
      const ids = await a.ids();
      for (const id of ids) a.send(textFrame('alice', 'bob', id, body));
      await a.next((f) => f.action === '4' && f.chatMsg.id === ids[9]);
      sent.push(...ids);
    }
    await waitFor(() => t.server.core.sessionCount === 1, 'bob to be dropped');
    expect(sent.length).toBeLessThan(5000);
    socket.resume();
    expect((await b.closed).code).toBe(1006); // dropped without a close frame
    // alice was not affected
    expect((await a.say('alice', 'note')).ack.action).toBe('4');
    const b2 = await t.connect('bob');
    const got = new Set<string>();
    while (got.size < sent.length) {
      const f = await b2.nextAction('3');
      got.add(f.chatMsg.id);
      b2.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: f.chatMsg.id, status: 1 } });
    }
    expect([...got].sort()).toEqual([...sent].sort());
  });
});
