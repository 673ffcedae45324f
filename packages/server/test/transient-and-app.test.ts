import { describe, expect, it } from 'vitest';
import { textFrame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

const envelope = (type: string, msgId: string, payload: unknown) =>
  JSON.stringify({ version: 0, msgId, type, timestamp: '1516763973000', payload });

describe('app-defined messages (type 2)', () => {
  it('stores and delivers the opaque string byte for byte', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    const bodies = [
      envelope('TEXT', 'TEXT_12345', '欢迎使用小米即时消息云(MIMC)'),
      envelope('PIC_FILE', 'PIC_FILE_1', 'https://example.com/a.jpg'),
      '😀 𠀀 \u0000 \t "quoted" \\ 👨‍👩‍👧',
      '{"not":"an envelope"',
      '',
    ];
    for (const body of bodies) {
      const [id] = await a.ids();
      a.send(textFrame('alice', 'bob', id!, body, 2));
      await a.next((f) => f.action === '4' && f.chatMsg.id === id);
      const got = await b.nextAction('3');
      expect(got.chatMsg).toMatchObject({ id, type: 2, message: body });
    }
    const h = await a.request({ action: '12', fromId: 'alice', toId: 'bob' });
    expect(h.historyMsgs.map((e: { chatMsg: { message: string } }) => e.chatMsg.message)).toEqual(bodies);
  });
});

describe('transient messages (store: false)', () => {
  const ping = (id: string) => ({
    action: '3',
    fromId: 'alice',
    toId: 'bob',
    store: false,
    chatMsg: { id, type: 2, message: envelope('PING', id, 'alice') },
  });

  it('goes to online connections only, is acknowledged, and is never stored', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const b1 = await t.connect('bob');
    const b2 = await t.connect('bob');
    a.send(ping('PING_1'));
    const ack = await a.nextAction('4');
    expect(ack).toMatchObject({ fromId: 'bob', toId: 'alice', chatMsg: { id: 'PING_1', status: 1 } });
    for (const b of [b1, b2]) {
      const got = await b.nextAction('3');
      expect(got).toMatchObject({
        fromId: 'alice',
        store: false,
        chatMsg: { id: 'PING_1', type: 2, message: ping('PING_1').chatMsg.message },
      });
    }
    // the PONG comes back the same way
    b1.send({
      ...ping('PONG_1'),
      fromId: 'bob',
      toId: 'alice',
      chatMsg: { id: 'PONG_1', type: 2, message: envelope('PONG', 'PONG_1', 'bob') },
    });
    expect(await a.nextAction('3')).toMatchObject({ fromId: 'bob', store: false, chatMsg: { id: 'PONG_1' } });
    expect((await a.request({ action: '12', fromId: 'alice' })).historyMsgs).toEqual([]);
    await b1.close();
    await b2.close();
    const b3 = await t.connect('bob');
    expect(await b3.drain()).toEqual([]);
  });

  it('answers OFFLINE when the recipient has no open connection', async () => {
    const t = await startTestServer();
    await (await t.connect('bob')).close();
    const a = await t.connect('alice');
    expect(await a.request(ping('PING_2'), '0')).toMatchObject({
      code: 'OFFLINE',
      ref: { action: '3', id: 'PING_2' },
    });
    // a normal message still works, and the size limit applies to transient messages as well
    expect((await a.say('bob', 'stored')).ack.action).toBe('4');
  });

  it('applies the message size limit', async () => {
    const t = await startTestServer({ maxMessageBytes: 64 });
    const a = await t.connect('alice');
    await t.connect('bob');
    expect(
      await a.request({ ...ping('P'), chatMsg: { id: 'P', type: 2, message: 'x'.repeat(65) } }, '0'),
    ).toMatchObject({
      code: 'TOO_LARGE',
    });
  });
});
