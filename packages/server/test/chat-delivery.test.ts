import { describe, expect, it } from 'vitest';
import { textFrame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

describe('delivery', () => {
  it('two users chat live in both directions', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    const m1 = await a.say('bob', 'hi bob');
    expect(m1.ack).toMatchObject({
      action: '4',
      fromId: 'bob',
      toId: 'alice',
      chatMsg: { id: m1.id, status: 1 },
    });
    expect(await b.nextAction('3')).toMatchObject({
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { id: m1.id, message: 'hi bob' },
    });
    const m2 = await b.say('alice', 'hi alice');
    expect(await a.nextAction('3')).toMatchObject({
      fromId: 'bob',
      chatMsg: { id: m2.id, message: 'hi alice', status: 1 },
    });
  });

  it('keeps order for an offline recipient and replays after its next connect reply', async () => {
    const t = await startTestServer();
    const b0 = await t.connect('bob');
    await b0.close();
    const a = await t.connect('alice');
    const sent: string[] = [];
    const ids = [...(await a.ids()), ...(await a.ids())];
    for (const [i, id] of ids.entries()) a.send(textFrame('alice', 'bob', id, `m${i}`));
    for (const id of ids) {
      await a.next((f) => f.action === '4' && f.chatMsg.id === id);
      sent.push(id);
    }
    const b = await t.client();
    expect(await b.connect('bob')).toEqual({ action: '1', toId: 'bob' });
    const got: string[] = [];
    for (let i = 0; i < sent.length; i++) {
      const f = await b.next();
      expect(f.action).toBe('3');
      expect(f.chatMsg.message).toBe(`m${i}`);
      got.push(f.chatMsg.id);
    }
    expect(got).toEqual(sent);
    expect(await b.drain()).toEqual([]);
  });

  it('redelivers until the recipient confirms, then never again', async () => {
    const t = await startTestServer();
    await (await t.connect('bob')).close();
    const a = await t.connect('alice');
    const m = await a.say('bob', 'confirm me');
    const b1 = await t.connect('bob', { confirms: true });
    expect((await b1.nextAction('3')).chatMsg.id).toBe(m.id);
    expect(await b1.drain()).toEqual([]); // its WebSocket answered pings: that proves nothing here
    await b1.close(); // not confirmed: comes again
    const b2 = await t.connect('bob', { confirms: true });
    const again = await b2.nextAction('3');
    expect(again.chatMsg.id).toBe(m.id);
    b2.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m.id, status: 1 } });
    expect(await b2.drain()).toEqual([]); // a confirmation gets no reply and is not forwarded
    expect(await a.drain()).toEqual([]);
    await b2.close();
    const b3 = await t.connect('bob');
    expect(await b3.drain()).toEqual([]);
  });

  it('delivers a read receipt to a sender that is offline, after its pending messages', async () => {
    const t = await startTestServer();
    const b = await t.connect('bob');
    const a = await t.connect('alice');
    const m = await a.say('bob', 'read me');
    await a.close();
    const delivered = await b.nextAction('3');
    const reply = await b.say('alice', 'reading it now');
    b.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: delivered.chatMsg.id, status: 2 } });
    expect(await b.drain()).toEqual([]);
    const a2 = await t.connect('alice');
    expect(await a2.next()).toMatchObject({ action: '3', chatMsg: { id: reply.id } });
    expect(await a2.next()).toEqual({
      action: '4',
      fromId: 'bob',
      toId: 'alice',
      chatMsg: { id: m.id, status: 2 },
    });
    expect(await a2.drain()).toEqual([]);
    await a2.close();
    // the receipt went out once; reading again forwards nothing
    b.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m.id, status: 2 } });
    await b.drain();
    const a3 = await t.connect('alice');
    expect((await a3.drain()).filter((f) => f.action === '4')).toEqual([]);
  });

  it('sends to every open connection of the recipient', async () => {
    const t = await startTestServer();
    const phone = await t.connect('bob');
    const laptop = await t.connect('bob');
    const a = await t.connect('alice');
    const m = await a.say('bob', 'to all devices');
    expect((await phone.nextAction('3')).chatMsg.id).toBe(m.id);
    expect((await laptop.nextAction('3')).chatMsg.id).toBe(m.id);
    const r = { action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m.id, status: 2 } };
    phone.send(r);
    expect(await a.nextAction('4')).toEqual(r);
  });

  it('treats the same id with the same content as a retry and other content as DUPLICATE_ID', async () => {
    const t = await startTestServer();
    const b = await t.connect('bob');
    const a = await t.connect('alice');
    const first = await a.say('bob', 'once');
    const retry = await a.say('bob', 'once', first.id);
    expect(retry.ack).toEqual(first.ack);
    expect((await b.nextAction('3')).chatMsg.id).toBe(first.id);
    expect(await b.drain()).toEqual([]);
    const dup = await a.say('bob', 'something else', first.id);
    expect(dup.ack).toMatchObject({ action: '0', code: 'DUPLICATE_ID', ref: { action: '3', id: first.id } });
    const other = await a.say('carol-not-a-user', 'once', first.id);
    expect(other.ack).toMatchObject({ code: 'DUPLICATE_ID' });
    a.send({ action: '12', fromId: 'alice', toId: 'bob' });
    expect((await a.nextAction('12')).historyMsgs).toHaveLength(1);
  });

  it('refuses ids that were not reserved for the sender', async () => {
    const t = await startTestServer();
    await t.connect('bob');
    const a = await t.connect('alice');
    const mallory = await t.connect('mallory');
    const [aliceId] = await a.ids();
    const cases = [aliceId!, 'MSG999999', 'MSG1', 'msg000001', 'MSG0000001', 'hello'];
    for (const id of cases) {
      const r = await mallory.say('bob', 'x', id);
      expect(r.ack, id).toMatchObject({ action: '0', code: 'BAD_MSG_ID', ref: { id } });
    }
    // the reserved id is still alice's to use
    expect((await a.say('bob', 'mine', aliceId)).ack).toMatchObject({ action: '4', chatMsg: { status: 1 } });
    // and once used, nobody else can claim it
    expect((await mallory.say('bob', 'mine', aliceId)).ack).toMatchObject({ code: 'BAD_MSG_ID' });
  });

  it('hands out fresh ids, ten at a time, never twice', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    const all = [...(await a.ids()), ...(await b.ids()), ...(await a.ids())];
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
    for (const id of all) expect(id).toMatch(/^MSG\d{6,}$/);
  });

  it('refuses messages to unknown users and over the size limit', async () => {
    const t = await startTestServer({ maxMessageBytes: 100 });
    await t.connect('bob');
    const a = await t.connect('alice');
    expect((await a.say('nobody', 'hello')).ack).toMatchObject({ code: 'UNKNOWN_USER' });
    expect((await a.say('bob', '好'.repeat(34))).ack).toMatchObject({ code: 'TOO_LARGE' }); // 102 bytes
    expect((await a.say('bob', '好'.repeat(33))).ack).toMatchObject({ action: '4' }); // 99 bytes
  });

  it('lets a user message itself and see it on its other device', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const other = await t.connect('alice');
    const m = await a.say('alice', 'note to self');
    expect(m.ack).toMatchObject({ action: '4', chatMsg: { status: 1 } });
    expect((await other.nextAction('3')).chatMsg.id).toBe(m.id);
  });
});
