import { describe, expect, it } from 'vitest';
import { type Frame, textFrame } from '../helpers/test-client.js';
import { startTestServer } from '../helpers/test-server.js';
import { join, roomMessage } from './room-frames.js';

interface Case {
  name: string;
  send: Frame | string;
  code: string;
  error?: RegExp;
  ref?: Frame;
}

const room = (action: '18' | '19', toId: unknown, extra: Frame = {}): Frame => ({
  action,
  fromId: 'alice',
  toId,
  ...extra,
});

const badRoomIds: [string, unknown][] = [
  ['a user id', 'bob'],
  ['a group id', '~team'],
  ['a lone !', '!'],
  ['a space', '!a b'],
  ['a character users may have but rooms not', '!a@b'],
  ['64 characters after !', `!${'x'.repeat(64)}`],
  ['a number', 18],
  ['an array', ['!lobby']],
  ['null', null],
];

const afterConnect: Case[] = [
  ...(['18', '19'] as const).flatMap((action) => [
    {
      name: `${action} without toId`,
      send: { action, fromId: 'alice' },
      code: 'BAD_REQUEST',
      error: /toId is required/,
    },
    ...badRoomIds.map(([what, toId]) => ({
      name: `${action} to ${what}`,
      send: room(action, toId),
      code: 'BAD_REQUEST',
      error: /toId/,
      ref: { action },
    })),
    { name: `${action} spoofing fromId`, send: room(action, '!lobby', { fromId: 'bob' }), code: 'FORBIDDEN' },
    {
      name: `numeric ${action} spoofing fromId`,
      send: room(action, '!lobby', { action: Number(action), fromId: 'bob' }),
      code: 'FORBIDDEN',
    },
  ]),
  {
    name: 'message to a room not joined',
    send: textFrame('alice', '!lobby', 'MSG000001', 'hi'),
    code: 'NOT_MEMBER',
    ref: { action: '3', id: 'MSG000001' },
  },
  {
    name: 'transient message to a room not joined',
    send: { ...textFrame('alice', '!lobby', 'T1', 'hi'), store: false },
    code: 'NOT_MEMBER',
  },
  {
    name: 'message to a lone !',
    send: textFrame('alice', '!', 'MSG000001', 'hi'),
    code: 'BAD_REQUEST',
    error: /toId/,
  },
  { name: 'message to !a b', send: textFrame('alice', '!a b', 'MSG000001', 'hi'), code: 'BAD_REQUEST' },
  {
    name: 'message to a 65-character room id',
    send: textFrame('alice', `!${'x'.repeat(64)}`, 'MSG000001', 'hi'),
    code: 'BAD_REQUEST',
  },
  {
    name: 'status for a room message',
    send: { action: '4', fromId: 'alice', toId: '!lobby', chatMsg: { id: 'MSG000001', status: 2 } },
    code: 'BAD_REQUEST',
  },
  {
    name: 'recall in a room',
    send: { action: '6', fromId: 'alice', toId: '!lobby', chatMsg: { id: 'MSG000001' } },
    code: 'BAD_REQUEST',
  },
  { name: 'presence of a room', send: { action: '7', fromId: 'alice', toId: '!lobby' }, code: 'BAD_REQUEST' },
  { name: 'history of a room', send: { action: '12', fromId: 'alice', toId: '!lobby' }, code: 'BAD_REQUEST' },
  {
    name: 'friend request to a room',
    send: { action: '8', fromId: 'alice', toId: '!lobby' },
    code: 'BAD_REQUEST',
  },
];

/** Frames refused from a connection that is in `!lobby`. */
const inTheRoom: Case[] = [
  {
    name: 'an id that is no message id',
    send: textFrame('alice', '!lobby', 'hello', 'x'),
    code: 'BAD_MSG_ID',
  },
  {
    name: 'an id never handed out',
    send: textFrame('alice', '!lobby', 'MSG999999', 'x'),
    code: 'BAD_MSG_ID',
  },
  { name: 'a non-canonical id', send: textFrame('alice', '!lobby', 'MSG0000001', 'x'), code: 'BAD_MSG_ID' },
  {
    name: 'an unknown type',
    send: {
      ...textFrame('alice', '!lobby', 'MSG000001', 'x'),
      chatMsg: { id: 'MSG000001', type: 9, message: 'x' },
    },
    code: 'BAD_REQUEST',
  },
  {
    name: 'a message over MAX_MESSAGE_BYTES',
    send: textFrame('alice', '!lobby', 'MSG000001', 'x'.repeat(16 * 1024 + 1)),
    code: 'TOO_LARGE',
  },
];

describe('bad input about rooms', () => {
  it('refuses a join before connect with NOT_CONNECTED', async () => {
    const t = await startTestServer();
    const ws = await t.client();
    ws.send(room('18', '!lobby'));
    expect(await ws.next()).toMatchObject({ action: '0', code: 'NOT_CONNECTED', ref: { action: '18' } });
    expect(await ws.connect('alice')).toEqual({ action: '1', toId: 'alice' });
  });

  it.each(afterConnect)('after connect: $name → $code, connection stays usable', async (c) => {
    const t = await startTestServer();
    const ws = await t.connect('alice');
    ws.send(c.send);
    const reply = await ws.next();
    expect(reply).toMatchObject({ action: '0', code: c.code, toId: 'alice' });
    if (c.error) expect(reply.error).toMatch(c.error);
    if (c.ref) expect(reply.ref).toMatchObject(c.ref);
    expect(await ws.drain()).toEqual([]);
    await usable(t, ws);
  });

  it.each(inTheRoom)('in a room: $name → $code, connection stays usable', async (c) => {
    const t = await startTestServer();
    const ws = await t.connect('alice');
    await join(ws, '!lobby');
    ws.send(c.send);
    expect(await ws.next()).toMatchObject({ action: '0', code: c.code, toId: 'alice' });
    expect(await ws.drain()).toEqual([]);
    await usable(t, ws);
  });
});

/** The connection still joins a room and posts to it, and the room's other connections get it. */
async function usable(
  t: Awaited<ReturnType<typeof startTestServer>>,
  ws: Awaited<ReturnType<typeof t.connect>>,
) {
  const bob = await t.connect('bob');
  expect(await join(bob, '!after')).toMatchObject({ action: '18' });
  expect(await join(ws, '!after')).toMatchObject({ action: '18' });
  const m = await ws.say('!after', 'still fine');
  expect(m.ack).toMatchObject({ action: '4', chatMsg: { id: m.id, status: 1 } });
  expect(await bob.nextAction('3')).toEqual(roomMessage('alice', '!after', m.id, 'still fine'));
}
