import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers/test-server.js';

describe('multi-device catch-up (action 1 with since)', () => {
  it('gives a returning device what another device already confirmed, and recalls as action 6', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const web = await t.connect('bob');
    const phone = await t.connect('bob');
    const m1 = await a.say('bob', 'one');
    await web.nextAction('3');
    web.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m1.id, status: 1 } });
    const seen = await phone.nextAction('3');
    expect(seen.chatMsg).toMatchObject({ id: m1.id, seq: expect.any(Number) });
    await phone.close();

    const m2 = await a.say('bob', 'two');
    const m3 = await a.say('bob', 'three');
    for (const id of [m2.id, m3.id]) {
      const f = await web.next((x) => x.action === '3' && x.chatMsg.id === id);
      web.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: f.chatMsg.id, status: 1 } });
    }
    a.send({ action: '6', fromId: 'alice', toId: 'bob', chatMsg: { id: m3.id } });
    await a.nextAction('6');
    await web.nextAction('6'); // the recall notice went to the web, and is gone from the queue

    // without since, nothing is pending any more
    const fresh = await t.connect('bob');
    expect(await fresh.drain()).toEqual([]);
    // with since, the phone catches up on everything after what it had
    const back = await t.client();
    back.send({ action: '1', fromId: 'bob', since: seen.chatMsg.seq });
    expect(await back.next()).toEqual({ action: '1', toId: 'bob' });
    const frames = await back.drain();
    expect(frames.map((f) => [f.action, f.chatMsg.id])).toEqual([
      ['3', m2.id],
      ['6', m3.id],
    ]);
    expect(frames[0]!.chatMsg).toMatchObject({ message: 'two', status: 1 });
    expect(frames[1]).toEqual({ action: '6', fromId: 'alice', toId: 'bob', chatMsg: { id: m3.id } });
    // since 0 means "everything": the whole inbox, oldest first
    const all = await t.client();
    all.send({ action: '1', fromId: 'bob', since: 0 });
    await all.nextAction('1');
    all.userId = 'bob';
    expect((await all.drain()).map((f) => f.chatMsg.id)).toEqual([m1.id, m2.id, m3.id]);
  });

  it("shows what one device sends on the user's other devices, live and through since, in timeline order", async () => {
    const t = await startTestServer();
    const alice = await t.connect('alice');
    const web = await t.connect('bob');
    const phone = await t.connect('bob');
    const fromWeb = await web.say('alice', 'sent on the web');
    const own = await phone.nextAction('3');
    expect(own).toMatchObject({ fromId: 'bob', toId: 'alice', chatMsg: { id: fromWeb.id, seq: 1 } });
    expect((await alice.nextAction('3')).chatMsg.id).toBe(fromWeb.id);
    const reply = await alice.say('bob', 'reply');
    // both devices get the reply at position 2, with no gap before it; the web did not get its own copy
    for (const d of [web, phone])
      expect((await d.nextAction('3')).chatMsg).toMatchObject({ id: reply.id, seq: 2 });
    expect((await web.drain()).filter((f) => f.action === '3')).toEqual([]);
    // a device that was away gets the other device's messages with since
    await phone.close();
    const later = await web.say('alice', 'while the phone was off');
    const back = await t.client();
    back.userId = 'bob';
    back.send({ action: '1', fromId: 'bob', since: 2 });
    await back.nextAction('1');
    expect((await back.nextAction('3')).chatMsg).toMatchObject({ id: later.id, seq: 3 });
  });

  it("tells the reader's other devices online that a message was read", async () => {
    const t = await startTestServer();
    const alice = await t.connect('alice');
    const web = await t.connect('bob');
    const phone = await t.connect('bob');
    const m = await alice.say('bob', 'read me once');
    await web.nextAction('3');
    await phone.nextAction('3');
    web.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m.id, status: 2 } });
    const receipt = { action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m.id, status: 2 } };
    expect(await alice.nextAction('4')).toEqual(receipt);
    expect(await phone.nextAction('4')).toEqual(receipt);
    expect((await web.drain()).filter((f) => f.action === '4')).toEqual([]);
  });

  it('gives every device each notice once: live to those online, with noticesSince to one that was away', async () => {
    const t = await startTestServer();
    const bob = await t.connect('bob');
    const web = await t.connect('alice', { confirms: true });
    const m = await web.say('bob', 'read me');
    await bob.nextAction('3');
    bob.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m.id, status: 2 } });
    const live = await web.next((f) => f.action === '4' && f.chatMsg.status === 2);
    expect(live).toEqual({
      action: '4',
      fromId: 'bob',
      toId: 'alice',
      chatMsg: { id: m.id, status: 2 },
      nid: expect.any(Number),
    });
    await web.drain(); // written: the notice counts as delivered now
    // a seed-style device gets nothing: the notice reached one of alice's connections
    const seed = await t.connect('alice');
    expect((await seed.drain()).filter((f) => f.action === '4')).toEqual([]);
    // a device that was away and says which notices it has gets it, once
    const phone = await t.client();
    phone.userId = 'alice';
    phone.send({ action: '1', fromId: 'alice', noticesSince: 0 });
    await phone.nextAction('1');
    expect(await phone.nextAction('4')).toEqual(live);
    const again = await t.client();
    again.userId = 'alice';
    again.send({ action: '1', fromId: 'alice', noticesSince: live.nid });
    await again.nextAction('1');
    expect((await again.drain()).filter((f) => f.action === '4')).toEqual([]);
    expect(await again.request({ action: '1', fromId: 'alice', noticesSince: -1 }, '0')).toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('refuses a since that is not a non-negative integer', async () => {
    const t = await startTestServer();
    for (const since of [-1, 1.5, '5']) {
      const c = await t.client();
      c.send({ action: '1', fromId: 'bob', since });
      expect(await c.next()).toMatchObject({ action: '0', code: 'BAD_REQUEST', error: /since/ });
    }
  });
});
