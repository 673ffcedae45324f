import { describe, expect, it } from 'vitest';
import { textFrame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';
import { waitFor } from './helpers/wait-for.js';

describe('limits', () => {
  it('rate-limits a flooding connection while another client keeps working', async () => {
    const t = await startTestServer({ framesPerSecond: 20, userFramesPerSecond: 0 });
    const flood = await t.connect('mallory');
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    for (let i = 0; i < 300; i++) flood.send({ action: '11', fromId: 'mallory' });
    const replies = [];
    for (let i = 0; i < 300; i++) replies.push(await flood.next());
    const limited = replies.filter((f) => f.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(200);
    expect(limited[0]).toMatchObject({ action: '0', toId: 'mallory', ref: { action: '11' } });
    // meanwhile alice and bob chat as usual
    for (let i = 0; i < 5; i++) {
      const m = await a.say('bob', `still here ${i}`);
      expect(m.ack.action).toBe('4');
      expect((await b.nextAction('3')).chatMsg.id).toBe(m.id);
    }
  });

  it('limits a user across all its connections', async () => {
    const t = await startTestServer({ framesPerSecond: 0, userFramesPerSecond: 10 });
    const c1 = await t.connect('mallory');
    const c2 = await t.connect('mallory');
    for (let i = 0; i < 30; i++) (i % 2 ? c1 : c2).send({ action: '11', fromId: 'mallory' });
    const codes = [
      ...(await Promise.all(Array.from({ length: 15 }, () => c1.next()))),
      ...(await Promise.all(Array.from({ length: 15 }, () => c2.next()))),
    ];
    expect(codes.filter((f) => f.code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(5);
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
