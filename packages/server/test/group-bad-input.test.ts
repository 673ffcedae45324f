import { describe, expect, it } from 'vitest';
import { type Frame, textFrame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

/** `G` in a case stands for the id of a group alice owns and bob is in (eve is not). */
interface Case {
  name: string;
  from?: 'alice' | 'bob' | 'eve';
  send: Frame;
  code: string;
  error?: RegExp;
}

const G = '<group>';
const change = (op: unknown, extra: Frame = {}): Frame => ({
  action: '14',
  fromId: 'alice',
  toId: G,
  op,
  ...extra,
});

const cases: Case[] = [
  {
    name: 'create without a name',
    send: { action: '13', fromId: 'alice' },
    code: 'BAD_REQUEST',
    error: /name/,
  },
  {
    name: 'create with an empty name',
    send: { action: '13', fromId: 'alice', name: '' },
    code: 'BAD_REQUEST',
  },
  {
    name: 'create with a long name',
    send: { action: '13', fromId: 'alice', name: 'x'.repeat(129) },
    code: 'BAD_REQUEST',
  },
  {
    name: 'create with members not a list',
    send: { action: '13', fromId: 'alice', name: 'x', members: 'bob' },
    code: 'BAD_REQUEST',
  },
  {
    name: 'create with a bad member id',
    send: { action: '13', fromId: 'alice', name: 'x', members: ['b ob'] },
    code: 'BAD_REQUEST',
  },
  {
    name: 'create with 101 members',
    send: {
      action: '13',
      fromId: 'alice',
      name: 'x',
      members: Array.from({ length: 101 }, (_, i) => `u${i}`),
    },
    code: 'BAD_REQUEST',
  },
  {
    name: 'create with an unknown member',
    send: { action: '13', fromId: 'alice', name: 'x', members: ['nobody'] },
    code: 'UNKNOWN_USER',
  },
  { name: 'change without op', send: change(undefined), code: 'BAD_REQUEST', error: /op is required/ },
  { name: 'change with an unknown op', send: change('fly'), code: 'BAD_REQUEST', error: /op must be one of/ },
  { name: 'change with a numeric op', send: change(3), code: 'BAD_REQUEST' },
  {
    name: 'change a user id',
    send: { ...change('leave'), toId: 'bob' },
    code: 'BAD_REQUEST',
    error: /group id/,
  },
  {
    name: 'change an unknown group',
    send: { ...change('leave'), toId: '~nosuchgroup' },
    code: 'UNKNOWN_GROUP',
  },
  { name: 'add without members', send: change('add'), code: 'BAD_REQUEST', error: /members/ },
  { name: 'add an empty list', send: change('add', { members: [] }), code: 'BAD_REQUEST' },
  { name: 'add an unknown user', send: change('add', { members: ['nobody'] }), code: 'UNKNOWN_USER' },
  { name: 'rename without a name', send: change('rename'), code: 'BAD_REQUEST' },
  {
    name: 'role with a bad role',
    send: change('role', { members: ['bob'], role: 'owner' }),
    code: 'BAD_REQUEST',
  },
  {
    name: 'mute with a negative duration',
    send: change('mute', { members: ['bob'], durationMs: -5 }),
    code: 'BAD_REQUEST',
  },
  { name: 'muteAll without on', send: change('muteAll'), code: 'BAD_REQUEST' },
  { name: 'the owner muting itself', send: change('mute', { members: ['alice'] }), code: 'FORBIDDEN' },
  {
    name: 'a member dismissing',
    from: 'bob',
    send: { ...change('dismiss'), fromId: 'bob' },
    code: 'FORBIDDEN',
  },
  {
    name: 'a member kicking',
    from: 'bob',
    send: { ...change('remove', { members: ['alice'] }), fromId: 'bob' },
    code: 'FORBIDDEN',
  },
  {
    name: 'a non-member changing',
    from: 'eve',
    send: { ...change('rename', { name: 'mine' }), fromId: 'eve' },
    code: 'NOT_MEMBER',
  },
  {
    name: 'group info of a non-member',
    from: 'eve',
    send: { action: '15', fromId: 'eve', toId: G },
    code: 'NOT_MEMBER',
  },
  {
    name: 'group info with a user id',
    send: { action: '15', fromId: 'alice', toId: 'bob' },
    code: 'BAD_REQUEST',
  },
  {
    name: 'group info of an unknown group',
    send: { action: '15', fromId: 'alice', toId: '~nope' },
    code: 'UNKNOWN_GROUP',
  },
  {
    name: 'a message from a non-member',
    from: 'eve',
    send: textFrame('eve', G, 'MSG000001', 'hi'),
    code: 'BAD_MSG_ID',
  },
  {
    name: 'a message to a malformed group id',
    send: textFrame('alice', '~a b', 'MSG000001', 'hi'),
    code: 'BAD_REQUEST',
  },
  {
    name: 'a message to a 65-char group id',
    send: textFrame('alice', `~${'a'.repeat(64)}`, 'MSG000001', 'hi'),
    code: 'BAD_REQUEST',
  },
  {
    name: 'history of a non-member',
    from: 'eve',
    send: { action: '12', fromId: 'eve', toId: G },
    code: 'NOT_MEMBER',
  },
  {
    name: 'history with a negative baseSeq',
    send: { action: '12', fromId: 'alice', toId: G, baseSeq: -1 },
    code: 'BAD_REQUEST',
  },
  {
    name: 'history with an unknown base',
    send: { action: '12', fromId: 'alice', toId: G, baseMsgId: 'MSG999999' },
    code: 'NOT_FOUND',
  },
  {
    name: 'history of a room id',
    send: { action: '12', fromId: 'alice', toId: '!lobby' },
    code: 'BAD_REQUEST',
  },
  {
    name: 'a receipt for an unknown group message',
    send: { action: '4', fromId: 'alice', toId: G, chatMsg: { id: 'MSG999999', status: 2 } },
    code: 'NOT_FOUND',
  },
  {
    name: 'a recall by a non-member',
    from: 'eve',
    send: { action: '6', fromId: 'eve', toId: G, chatMsg: { id: 'MSG000001' } },
    code: 'NOT_FOUND',
  },
  {
    name: 'conversations with pageSize 0',
    send: { action: '17', fromId: 'alice', pageSize: 0 },
    code: 'BAD_REQUEST',
  },
  {
    name: 'conversations with a bad cursor',
    send: { action: '17', fromId: 'alice', before: 'x' },
    code: 'BAD_REQUEST',
  },
  {
    name: 'conversations with a numeric cursor',
    send: { action: '17', fromId: 'alice', before: 5 },
    code: 'BAD_REQUEST',
  },
];

const withGroup = (f: Frame, g: string): Frame => JSON.parse(JSON.stringify(f).replaceAll(G, g));

describe('bad input to group and conversation frames', () => {
  it('answers each with a clear error code and keeps every connection usable', async () => {
    const t = await startTestServer();
    const clients = {
      alice: await t.connect('alice'),
      bob: await t.connect('bob'),
      eve: await t.connect('eve'),
    };
    const g = (await clients.alice.request({ action: '13', fromId: 'alice', name: 'g', members: ['bob'] }))
      .group.id;
    await clients.alice.drain();
    await clients.bob.drain();
    for (const c of cases) {
      const ws = clients[c.from ?? 'alice'];
      ws.send(withGroup(c.send, g));
      const reply = await ws.next((f) => f.action === '0');
      expect([c.name, reply.code], reply.error).toEqual([c.name, c.code]);
      if (c.error) expect(reply.error, c.name).toMatch(c.error);
      expect(await ws.drain(), c.name).toEqual([]);
    }
    // the group is as it was
    const info = await clients.alice.request({ action: '15', fromId: 'alice', toId: g });
    expect(info.group).toMatchObject({ name: 'g', memberCount: 2, seq: 1, mutedAll: false });
    const m = await clients.bob.say(g, 'still fine');
    expect(m.ack).toMatchObject({ action: '4', chatMsg: { status: 1 } });
  });
});
