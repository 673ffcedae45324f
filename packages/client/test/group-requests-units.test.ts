/** Groups and conversations without a server: validation, request frames, history paging, unread counts. */
import type { GroupMember } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { conversationOf, conversationsPage, UnreadCounts } from '../src/conversations.js';
import { GroupCursors, Groups, readersOf } from '../src/groups.js';
import { entrySeq, groupHistory, history, splitPage } from '../src/history.js';
import { ParleyClient } from '../src/index.js';
import { checkConversation, checkGroupName, checkMembers, checkMessage } from '../src/validate.js';
import { entry, event, info, scripted } from './group-fixtures.js';

describe('conversation ids', () => {
  it('takes users, groups and rooms as message targets and refuses the rest locally', () => {
    for (const ok of ['bob', 'a.b@c', '~k3v9x2m4qa', '!lobby', '~a', '!a-b_c.d']) {
      expect(() => checkConversation(ok), ok).not.toThrow();
      expect(checkMessage('alice', ok, 'hi', 65_536)).toEqual({ type: 0, message: 'hi' });
    }
    for (const bad of ['', '~', '!', '~a b', '!a@b', 'a b', '~'.repeat(2), `~${'x'.repeat(64)}`, '#x']) {
      expect(() => checkConversation(bad), bad).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it('tells the conversation of a message: the group or room, or the other user', () => {
    expect(conversationOf('bob', 'alice', '~g1')).toEqual({ conversationId: '~g1', kind: 'group' });
    expect(conversationOf('bob', 'alice', '!lobby')).toEqual({ conversationId: '!lobby', kind: 'room' });
    expect(conversationOf('bob', 'alice', 'bob')).toEqual({ conversationId: 'alice', kind: 'user' });
    expect(conversationOf('bob', 'bob', 'carol')).toEqual({ conversationId: 'carol', kind: 'user' });
    expect(conversationOf('bob', 'bob', 'bob')).toEqual({ conversationId: 'bob', kind: 'user' });
  });

  it('checks group names and member lists as the server would', () => {
    expect(() => checkGroupName('Trip 🏔')).not.toThrow();
    for (const bad of ['', 'x'.repeat(129), 'a\uD83D'])
      expect(() => checkGroupName(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(checkMembers('bob')).toEqual(['bob']);
    expect(checkMembers([], 0)).toEqual([]);
    expect(() => checkMembers([])).toThrow(/1 to 100/);
    expect(() => checkMembers(Array.from({ length: 101 }, (_, i) => `u${i}`))).toThrow(/1 to 100/);
    expect(() => checkMembers(['bob', '~g1'])).toThrow(/not a user id/);
  });

  it('refuses bad arguments before anything is written, as rejections', async () => {
    const client = new ParleyClient({ url: 'ws://127.0.0.1:1/ws', userId: 'alice', WebSocket });
    const refusals = [
      client.send('not an id', 'x'),
      client.createGroup(''),
      client.createGroup('ok', ['~nope']),
      client.renameGroup('nope', 'x'),
      client.addMembers('~g1', []),
      client.setRole('~g1', 'bob', 'owner' as 'admin'),
      client.mute('~g1', 'bob', -5),
      client.group('!room'),
      client.joinRoom('~g1'),
      client.leaveRoom('lobby'),
      client.conversations({ pageSize: 0 }),
      client.recall('MSG000001', '!lobby'),
      client.groupHistory('bob').next(),
    ];
    for (const r of refusals) await expect(r).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await client.close();
  });
});

describe('group requests', () => {
  it('builds create and change frames; create, leave and dismiss are never resent once written', async () => {
    const s = scripted((f) => ({ action: f.action, toId: 'alice', op: 'x', group: info }));
    const groups = new Groups('alice', s.ask);
    expect(await groups.create('Trip', ['bob', 'carol'])).toEqual(info);
    await groups.create('Solo');
    await groups.change('~g1', { op: 'rename', name: 'Trip 2' });
    await groups.change('~g1', { op: 'mute', members: ['bob'], durationMs: 60_000 });
    await groups.change('~g1', { op: 'muteAll', on: true });
    await groups.change('~g1', { op: 'leave' });
    await groups.change('~g1', { op: 'dismiss' });
    expect(s.asked).toEqual([
      { frame: { action: '13', fromId: 'alice', name: 'Trip', members: ['bob', 'carol'] }, once: true },
      { frame: { action: '13', fromId: 'alice', name: 'Solo' }, once: true },
      { frame: { action: '14', fromId: 'alice', toId: '~g1', op: 'rename', name: 'Trip 2' }, once: false },
      {
        frame: {
          action: '14',
          fromId: 'alice',
          toId: '~g1',
          op: 'mute',
          members: ['bob'],
          durationMs: 60_000,
        },
        once: false,
      },
      { frame: { action: '14', fromId: 'alice', toId: '~g1', op: 'muteAll', on: true }, once: false },
      { frame: { action: '14', fromId: 'alice', toId: '~g1', op: 'leave' }, once: true },
      { frame: { action: '14', fromId: 'alice', toId: '~g1', op: 'dismiss' }, once: true },
    ]);
  });

  it('lists groups and reads a group with its members; a reply without the group is a PROTOCOL error', async () => {
    const member = (userId: string, readSeq: number): GroupMember => ({
      userId,
      name: userId,
      role: 'member',
      joinedSeq: 0,
      readSeq,
    });
    const members = [member('alice', 9), member('bob', 7), member('carol', 5)];
    const s = scripted((f) =>
      (f as { toId?: string }).toId === undefined
        ? { action: '15', toId: 'alice', groups: [info] }
        : (f as { toId: string }).toId === '~g1'
          ? { action: '15', toId: 'alice', group: info, members }
          : { action: '15', toId: 'alice' },
    );
    const groups = new Groups('alice', s.ask);
    expect(await groups.list()).toEqual([info]);
    expect(await groups.details('~g1')).toEqual({ group: info, members });
    await expect(groups.details('~g2')).rejects.toMatchObject({ code: 'PROTOCOL' });
    // read counts from read positions: everyone but the sender at or past the message
    expect(readersOf(members, 6, 'alice').map((m) => m.userId)).toEqual(['bob']);
    expect(readersOf(members, 5, 'alice').map((m) => m.userId)).toEqual(['bob', 'carol']);
    expect(readersOf(members, 8, 'bob').map((m) => m.userId)).toEqual(['alice']);
  });

  it('keeps per-group positions apart from each other', () => {
    const c = new GroupCursors();
    c.advance('~a', 5);
    c.advance('~a', 3);
    c.advance('~b', 1);
    expect([c.get('~a'), c.get('~b'), c.get('~c')]).toEqual([5, 1, undefined]);
  });
});

describe('group history', () => {
  it('pages backwards by the first entry’s position, with messages and events split', async () => {
    const pages = [
      [event(8), entry('MSG000009', 9), entry('MSG000010', 10)],
      [event(1), entry('MSG000005', 5)],
      [],
    ];
    const s = scripted((_f, n) => ({ action: '12', fromId: 'bob', toId: '~g1', historyMsgs: pages[n] }));
    const seen = [];
    for await (const page of groupHistory(s.ask, 'bob', '~g1', { pageSize: 3 })) seen.push(page);
    expect(s.asked.map((a) => a.frame)).toEqual([
      { action: '12', fromId: 'bob', toId: '~g1', pageSize: 3 },
      { action: '12', fromId: 'bob', toId: '~g1', baseSeq: 8, pageSize: 3 },
    ]); // the second page starts at position 1: nothing before it, no third request
    expect(seen.map((p) => p.messages.map((m) => m.chatMsg.id))).toEqual([
      ['MSG000009', 'MSG000010'],
      ['MSG000005'],
    ]);
    expect(seen.map((p) => p.events.map((e) => e.event.seq))).toEqual([[8], [1]]);
    expect(seen[0]!.entries).toHaveLength(3);
  });

  it('starts before a given position and ends at an empty page', async () => {
    const s = scripted(() => ({ action: '12', fromId: 'bob', toId: '~g1', historyMsgs: [] }));
    const it = groupHistory(s.ask, 'bob', '~g1', { beforeSeq: 40 });
    expect((await it.next()).done).toBe(true);
    expect(s.asked[0]!.frame).toEqual({ action: '12', fromId: 'bob', toId: '~g1', baseSeq: 40 });
  });

  it('history() of a group yields its messages only; 1:1 history pages by id as before', async () => {
    const pages = [[event(3), entry('MSG000004', 4)], [event(2)], []];
    const s = scripted((_f, n) => ({ action: '12', fromId: 'bob', historyMsgs: pages[n] }));
    const got: string[][] = [];
    for await (const page of history(s.ask, 'bob', { with: '~g1' })) got.push(page.map((e) => e.chatMsg.id));
    expect(got).toEqual([['MSG000004']]);
    expect(s.asked.map((a) => (a.frame as { baseSeq?: number }).baseSeq)).toEqual([undefined, 3, 2]);

    const u = scripted((_f, n) => ({
      action: '12',
      fromId: 'bob',
      historyMsgs: n === 0 ? [entry('MSG000001', 1, 'bob'), entry('MSG000002', 2, 'bob')] : [],
    }));
    for await (const _ of history(u.ask, 'bob', { with: 'alice' })) {
      // one page
    }
    expect(u.asked.map((a) => a.frame)).toEqual([
      { action: '12', fromId: 'bob', toId: 'alice' },
      { action: '12', fromId: 'bob', toId: 'alice', baseMsgId: 'MSG000001' },
    ]);
  });

  it('tells entries apart and reads their positions', () => {
    const page = splitPage([event(2), entry('MSG000003', 3)]);
    expect(page.events).toHaveLength(1);
    expect(page.messages).toHaveLength(1);
    expect(page.entries.map(entrySeq)).toEqual([2, 3]);
    expect(entrySeq(entry('MSG000001'))).toBeUndefined();
  });
});

describe('conversation list and unread counts', () => {
  it('asks for a page and hands back next (absent at the end)', async () => {
    const conv = { id: '~g1', kind: 'group', name: 'Trip', unread: 3, ts: 5 };
    const s = scripted((_f, n) => ({
      action: '17',
      toId: 'bob',
      conversations: [conv],
      ...(n === 0 && { next: 'c1' }),
    }));
    const first = await conversationsPage(s.ask, 'bob', { pageSize: 1 });
    expect(first).toEqual({ conversations: [conv], next: 'c1' });
    expect(await conversationsPage(s.ask, 'bob', { pageSize: 1, before: 'c1' })).toEqual({
      conversations: [conv],
      next: undefined,
    });
    expect(s.asked.map((a) => a.frame)).toEqual([
      { action: '17', fromId: 'bob', pageSize: 1 },
      { action: '17', fromId: 'bob', pageSize: 1, before: 'c1' },
    ]);
  });

  it('counts from the server’s number, up with messages, down to what follows a read message', () => {
    const u = new UnreadCounts();
    expect(u.seed([{ id: '~g1', kind: 'group', name: 'T', unread: 3, ts: 1 }])).toEqual([
      { conversationId: '~g1', unread: 3 },
    ]);
    expect(u.received('~g1', 'MSG000010')).toBe(4);
    expect(u.received('~g1', 'MSG000011')).toBe(5);
    expect(u.read('~g1', 'MSG000001')).toBeUndefined(); // older than what the client holds
    expect(u.read('~g1', 'MSG000010')).toBe(1);
    expect(u.read('~g1', 'MSG000011')).toBe(0);
    expect(u.get('alice')).toBe(0);
    // ids received before a seed stay readable: here the server counts 2 of the 3 as unread
    for (const id of ['MSG000020', 'MSG000021', 'MSG000022']) u.received('~g2', id);
    expect(u.seed([{ id: '~g2', kind: 'group', name: 'T', unread: 2, ts: 1 }])).toEqual([
      { conversationId: '~g2', unread: 2 },
    ]);
    expect(u.read('~g2', 'MSG000021')).toBe(1);
    for (let i = 0; i < 1005; i++) u.received('alice', `MSG${i}`);
    expect(u.get('alice')).toBe(999);
  });
});
