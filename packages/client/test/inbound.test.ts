import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../src/envelope.js';
import { harness, message } from './inbound-harness.js';

describe('incoming frames', () => {
  it('confirms a stored message without a seq to its sender, repeats too, and reports them as duplicates', () => {
    const h = harness();
    h.deliver(message('MSG000001'));
    h.deliver(message('MSG000001'));
    expect(h.events.map((e) => e.event)).toEqual(['message', 'duplicate']);
    expect(h.written).toEqual([]); // gathered until the batch is written
    h.flush();
    const confirm = { action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: 'MSG000001', status: 1 } };
    expect(h.written).toEqual([confirm]); // once per batch
    h.deliver(message('MSG000001'));
    h.flush();
    expect(h.written).toEqual([confirm, confirm]); // a repeat in a later batch: confirmed again
  });

  it('never confirms a transient message and never drops one as a duplicate', () => {
    const h = harness();
    h.deliver(message('T_1', { store: false }));
    h.deliver(message('T_1', { store: false }));
    h.flush();
    expect(h.written).toEqual([]);
    expect(h.events.map((e) => [e.event, (e.payload as { transient: boolean }).transient])).toEqual([
      ['message', true],
      ['message', true],
    ]);
  });

  it('answers a PING envelope with a transient PONG carrying the same number', () => {
    const h = harness();
    const ping =
      '{"version":0,"msgId":"PING_42","type":"PING","timestamp":"1516763973000","payload":"alice"}';
    h.deliver({
      ...message('PING_42', { store: false }),
      chatMsg: { ...message('x').chatMsg, id: 'PING_42', type: 2, message: ping },
    });
    expect(h.events).toEqual([]);
    expect(h.written).toHaveLength(1);
    const pong = h.written[0] as {
      store: boolean;
      toId: string;
      chatMsg: { id: string; type: number; message: string };
    };
    expect(pong).toMatchObject({
      action: '3',
      fromId: 'bob',
      toId: 'alice',
      store: false,
      chatMsg: { id: 'PONG_42', type: 2 },
    });
    expect(parseEnvelope(pong.chatMsg.message)).toMatchObject({
      version: 0,
      msgId: 'PONG_42',
      type: 'PONG',
      payload: 'bob',
    });
  });

  it('emits read receipts once and errors that belong to no request', () => {
    const h = harness();
    const receipt = { action: '4', fromId: 'alice', toId: 'bob', chatMsg: { id: 'MSG000007', status: 2 } };
    h.deliver(receipt);
    h.deliver(receipt);
    h.deliver({
      action: '0',
      toId: 'bob',
      code: 'NOT_FOUND',
      error: 'no such message',
      ref: { action: '4', id: 'MSG000009' },
    });
    // the pinger left before our automatic PONG arrived: nothing for the app
    h.deliver({
      action: '0',
      toId: 'bob',
      code: 'OFFLINE',
      error: 'offline',
      ref: { action: '3', id: 'PONG_42' },
    });
    expect(h.events.map((e) => e.event)).toEqual(['status', 'error']);
    expect(h.events[1]!.payload).toMatchObject({ code: 'NOT_FOUND', action: '4', id: 'MSG000009' });
  });

  it('ignores heartbeat replies and actions it does not know', () => {
    const h = harness();
    h.deliver({ action: '5', toId: 'bob' });
    h.deliver({ action: '99', something: true });
    expect(h.events).toEqual([]);
    expect(h.written).toEqual([]);
  });

  it('moves the sync cursor with the seq of stored messages only', () => {
    const h = harness();
    const chatMsg = { id: 'MSG000007', type: 0, message: 'x', status: 1, time: 't', ts: 1 };
    h.deliver({ action: '3', fromId: 'alice', toId: 'bob', chatMsg: { ...chatMsg, seq: 7 } });
    h.deliver({ action: '3', fromId: 'alice', toId: 'bob', store: false, chatMsg: { ...chatMsg, id: 'T1' } });
    h.deliver({
      action: '3',
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { ...chatMsg, id: 'MSG000009', seq: 9 },
    });
    expect(h.advanced).toEqual([7, 9]);
  });
});
