import { describe, expect, it } from 'vitest';
import { type Frame, textFrame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

interface Case {
  name: string;
  send: Frame | string;
  code: string;
  error?: RegExp;
  ref?: Frame;
}

const msg = (chatMsg: Frame, extra: Frame = {}): Frame => ({
  action: '3',
  fromId: 'alice',
  toId: 'bob',
  chatMsg,
  ...extra,
});
const okChat = { id: 'MSG000001', type: 0, message: 'x', status: 0 };

const beforeConnect: Case[] = [
  { name: 'not JSON', send: '{"action":"1",', code: 'BAD_JSON' },
  { name: 'empty text', send: '', code: 'BAD_JSON' },
  { name: 'an array', send: '[1,2]', code: 'BAD_REQUEST', error: /object/ },
  { name: 'a number', send: '42', code: 'BAD_REQUEST' },
  { name: 'null', send: 'null', code: 'BAD_REQUEST' },
  { name: 'a string', send: '"hello"', code: 'BAD_REQUEST' },
  { name: 'no action', send: { fromId: 'alice' }, code: 'BAD_REQUEST', error: /action is required/ },
  { name: 'numeric action before connect', send: { action: 5, fromId: 'alice' }, code: 'NOT_CONNECTED' },
  { name: 'fractional action', send: { action: 1.5, fromId: 'alice' }, code: 'BAD_REQUEST', error: /string/ },
  { name: 'negative action', send: { action: -1, fromId: 'alice' }, code: 'BAD_REQUEST', error: /string/ },
  { name: 'boolean action', send: { action: true, fromId: 'alice' }, code: 'BAD_REQUEST', error: /string/ },
  {
    name: 'unknown action',
    send: { action: '99', fromId: 'alice' },
    code: 'UNKNOWN_ACTION',
    ref: { action: '99' },
  },
  {
    name: 'unknown numeric action',
    send: { action: 99, fromId: 'alice' },
    code: 'UNKNOWN_ACTION',
    ref: { action: '99' },
  },
  {
    name: 'numeric connect without fromId',
    send: { action: 1 },
    code: 'BAD_REQUEST',
    error: /fromId is required/,
    ref: { action: '1' },
  },
  { name: 'connect without fromId', send: { action: '1' }, code: 'BAD_REQUEST', error: /fromId is required/ },
  { name: 'connect with a numeric fromId', send: { action: '1', fromId: 1 }, code: 'BAD_REQUEST' },
  { name: 'connect with a bad user id', send: { action: '1', fromId: 'al ice' }, code: 'BAD_REQUEST' },
  { name: 'connect with a 65-char id', send: { action: '1', fromId: 'a'.repeat(65) }, code: 'BAD_REQUEST' },
  {
    name: 'message before connect',
    send: msg(okChat),
    code: 'NOT_CONNECTED',
    ref: { action: '3', id: 'MSG000001' },
  },
  { name: 'heartbeat before connect', send: { action: '5', fromId: 'alice' }, code: 'NOT_CONNECTED' },
];

const afterConnect: Case[] = [
  {
    name: 'message without chatMsg',
    send: { action: '3', fromId: 'alice', toId: 'bob' },
    code: 'BAD_REQUEST',
    error: /chatMsg is required/,
  },
  {
    name: 'message without toId',
    send: { action: '3', fromId: 'alice', chatMsg: okChat },
    code: 'BAD_REQUEST',
    error: /toId is required/,
  },
  {
    name: 'chatMsg not an object',
    send: msg('hello' as unknown as Frame),
    code: 'BAD_REQUEST',
    error: /chatMsg must be an object/,
  },
  {
    name: 'chatMsg.id missing',
    send: msg({ type: 0, message: 'x' }),
    code: 'BAD_REQUEST',
    error: /chatMsg\.id is required/,
  },
  {
    name: 'chatMsg.type unknown',
    send: msg({ ...okChat, type: 7 }),
    code: 'BAD_REQUEST',
    error: /chatMsg\.type/,
    ref: { id: 'MSG000001' },
  },
  {
    name: 'chatMsg.type a string',
    send: msg({ ...okChat, type: '0' }),
    code: 'BAD_REQUEST',
    error: /chatMsg\.type/,
  },
  {
    name: 'chatMsg.message a number',
    send: msg({ ...okChat, message: 5 }),
    code: 'BAD_REQUEST',
    error: /chatMsg\.message must be a string/,
  },
  { name: 'chatMsg.message an object', send: msg({ ...okChat, message: { a: 1 } }), code: 'BAD_REQUEST' },
  {
    name: 'a lone surrogate',
    send: '{"action":"3","fromId":"alice","toId":"bob","chatMsg":{"id":"MSG000001","type":0,"message":"\\ud800"}}',
    code: 'BAD_REQUEST',
    error: /surrogate/,
  },
  { name: 'store not a boolean', send: msg(okChat, { store: 'no' }), code: 'BAD_REQUEST', error: /store/ },
  { name: 'spoofed fromId', send: { ...msg(okChat), fromId: 'bob' }, code: 'FORBIDDEN' },
  { name: 'spoofed fromId on a heartbeat', send: { action: '5', fromId: 'bob' }, code: 'FORBIDDEN' },
  { name: 'reconnect as someone else', send: { action: '1', fromId: 'bob' }, code: 'FORBIDDEN' },
  { name: 'numeric reconnect as someone else', send: { action: 1, fromId: 'bob' }, code: 'FORBIDDEN' },
  {
    name: 'numeric message spoofing fromId',
    send: { ...msg(okChat), action: 3, fromId: 'bob' },
    code: 'FORBIDDEN',
  },
  {
    name: 'numeric status 3',
    send: { action: 4, fromId: 'alice', toId: 'bob', chatMsg: { id: 'MSG000001', status: 3 } },
    code: 'BAD_REQUEST',
    ref: { action: '4', id: 'MSG000001' },
  },
  { name: 'fractional action after connect', send: { action: 3.5, fromId: 'alice' }, code: 'BAD_REQUEST' },
  {
    name: 'numeric unknown action after connect',
    send: { action: 99, fromId: 'alice' },
    code: 'UNKNOWN_ACTION',
  },
  {
    name: 'confirms not a boolean',
    send: { action: '1', fromId: 'alice', confirms: 'yes' },
    code: 'BAD_REQUEST',
    error: /confirms/,
  },
  {
    name: 'status 3',
    send: { action: '4', fromId: 'alice', toId: 'bob', chatMsg: { id: 'MSG000001', status: 3 } },
    code: 'BAD_REQUEST',
  },
  {
    name: 'status for an unknown message',
    send: { action: '4', fromId: 'alice', toId: 'bob', chatMsg: { id: 'MSG000777', status: 2 } },
    code: 'NOT_FOUND',
  },
  {
    name: 'history with a numeric toId',
    send: { action: '12', fromId: 'alice', toId: 5 },
    code: 'BAD_REQUEST',
  },
  {
    name: 'history with a numeric baseMsgId',
    send: { action: '12', fromId: 'alice', baseMsgId: 1 },
    code: 'BAD_REQUEST',
  },
  { name: 'an unreserved id', send: msg(okChat), code: 'BAD_MSG_ID', ref: { action: '3', id: 'MSG000001' } },
];

describe('bad input', () => {
  it.each(beforeConnect)('before connect: $name → $code, connection stays usable', async (c) => {
    const t = await startTestServer();
    const ws = await t.client();
    ws.send(c.send);
    const reply = await ws.next();
    expect(reply).toMatchObject({ action: '0', code: c.code });
    expect(typeof reply.error).toBe('string');
    expect(reply.toId).toBeUndefined();
    if (c.error) expect(reply.error).toMatch(c.error);
    if (c.ref) expect(reply.ref).toEqual(c.ref);
    expect(await ws.connect('alice')).toEqual({ action: '1', toId: 'alice' });
    expect(await ws.drain()).toEqual([]);
  });

  it.each(afterConnect)('after connect: $name → $code, connection stays usable', async (c) => {
    const t = await startTestServer();
    await t.connect('bob');
    const ws = await t.connect('alice');
    ws.send(c.send);
    const reply = await ws.next();
    expect(reply).toMatchObject({ action: '0', code: c.code, toId: 'alice' });
    if (c.error) expect(reply.error).toMatch(c.error);
    if (c.ref) expect(reply.ref).toMatchObject(c.ref);
    expect(await ws.drain()).toEqual([]);
    const [id] = await ws.ids();
    ws.send(textFrame('alice', 'bob', id!, 'still fine'));
    expect(await ws.nextAction('4')).toMatchObject({ chatMsg: { id, status: 1 } });
  });

  it('ignores __proto__ and constructor keys without polluting anything', async () => {
    const t = await startTestServer();
    const ws = await t.connect('alice');
    ws.send(
      '{"action":"5","fromId":"alice","__proto__":{"polluted":true},"constructor":{"prototype":{"bad":1}}}',
    );
    expect(await ws.next()).toEqual({ action: '5', toId: 'alice' });
    ws.send('{"action":"12","fromId":"alice","__proto__":{"pageSize":1000}}');
    expect(await ws.next()).toMatchObject({ action: '12', historyMsgs: [] });
    expect(({} as Frame).polluted).toBeUndefined();
    expect(({} as Frame).bad).toBeUndefined();
  });

  it('closes on a binary frame with 1003 after an error frame', async () => {
    const t = await startTestServer();
    const ws = await t.connect('alice');
    ws.ws.send(Buffer.from('{"action":"5","fromId":"alice"}'), { binary: true });
    expect(await ws.next()).toMatchObject({ action: '0', code: 'BAD_REQUEST', error: /binary/ });
    expect((await ws.closed).code).toBe(1003);
  });

  it('closes on a frame over the limit with 1009 after TOO_LARGE', async () => {
    const t = await startTestServer({ maxFrameBytes: 2048 });
    const ws = await t.connect('alice');
    ws.send({ action: '5', fromId: 'alice', pad: 'x'.repeat(3000) });
    expect(await ws.next()).toMatchObject({ action: '0', code: 'TOO_LARGE' });
    expect((await ws.closed).code).toBe(1009);
  });

  it('cuts a frame far over the limit with 1009', async () => {
    const t = await startTestServer({ maxFrameBytes: 2048 });
    const ws = await t.connect('alice');
    ws.send({ action: '5', fromId: 'alice', pad: 'x'.repeat(10_000) });
    expect((await ws.closed).code).toBe(1009);
  });

  it('closes on invalid UTF-8 with 1007', async () => {
    const t = await startTestServer();
    const ws = await t.connect('alice');
    ws.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await ws.closed).code).toBe(1007);
  });

  it('keeps other users unaffected while one connection misbehaves', async () => {
    const t = await startTestServer();
    const b = await t.connect('bob');
    const bad = await t.connect('mallory');
    for (let i = 0; i < 50; i++)
      bad.send(i % 2 ? '{oops' : { action: '3', fromId: 'alice', toId: 'bob', chatMsg: okChat });
    const a = await t.connect('alice');
    const m = await a.say('bob', 'hello');
    expect((await b.nextAction('3')).chatMsg.id).toBe(m.id);
    await bad.drain();
    const errors = bad.received.filter((f) => f.action === '0');
    expect(errors).toHaveLength(50);
    expect(new Set(errors.map((f) => f.code))).toEqual(new Set(['BAD_JSON', 'FORBIDDEN']));
  });
});
