/** Groups, rooms and conversations without a server: frames, validation, dispatch, paging. */
import type { GroupMember, HistoryEntry } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { conversationOf, conversationsPage, UnreadCounts } from '../src/conversations.js';
import { GroupCursors, Groups, readersOf } from '../src/groups.js';
import { entrySeq, groupHistory, history, splitPage } from '../src/history.js';
import { ParleyClient } from '../src/index.js';
import { RequestTable } from '../src/requests.js';
import { Rooms } from '../src/rooms.js';
import { SeenIds } from '../src/seen-ids.js';
import type { ClientEvents, InboundFrame, OutboundFrame } from '../src/types.js';
import { checkConversation, checkGroupName, checkMembers, checkMessage } from '../src/validate.js';
import { harness, message } from './inbound-harness.js';

/** An `ask` that records frames and answers from a script. */
function scripted(answer: (frame: OutboundFrame, n: number) => object) {
  const asked: { frame: OutboundFrame; once: boolean }[] = [];
  const ask = async (frame: OutboundFrame, opts?: { once?: boolean }) => {
    asked.push({ frame, once: opts?.once === true });
    return answer(frame, asked.length - 1) as InboundFrame;
  };
  return { ask, asked };
}

const info = { id: '~g1', name: 'Trip', ownerId: 'alice', mutedAll: false, memberCount: 3, seq: 1, ts: 1 };
const entry = (id: string, seq?: number, toId = '~g1'): HistoryEntry => ({
  fromId: 'alice',
  toId,
  chatMsg: { id, type: 0, message: id, status: 1, time: 't', ts: 1, ...(seq !== undefined && { seq }) },
});
const event = (seq: number) => ({
  fromId: 'alice',
  toId: '~g1',
  event: { type: 'joined' as const, users: ['dave'], seq, time: 't', ts: 1 },
});

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

describe('group and room frames arriving', () => {
  it('confirms a group message to the group and never moves the sync cursor with its seq', () => {
    const h = harness();
    h.deliver(
      message('MSG000001', { toId: 'bob', chatMsg: { ...message('x').chatMsg, id: 'MSG000001', seq: 3 } }),
    );
    h.deliver(
      message('MSG000002', { toId: '~g1', chatMsg: { ...message('x').chatMsg, id: 'MSG000002', seq: 900 } }),
    );
    h.deliver(
      message('MSG000002', { toId: '~g1', chatMsg: { ...message('x').chatMsg, id: 'MSG000002', seq: 900 } }),
    );
    expect(h.advanced).toEqual([3]);
    expect(h.groupAdvanced).toEqual([
      ['~g1', 900],
      ['~g1', 900],
    ]);
    expect(h.events.map((e) => e.event)).toEqual(['message', 'message', 'duplicate']);
    expect(h.events[1]!.payload).toMatchObject({ conversationId: '~g1', kind: 'group', toId: '~g1' });
    expect(h.events[0]!.payload).toMatchObject({ conversationId: 'alice', kind: 'user' });
    expect(h.written.map((f) => (f as { toId: string }).toId)).toEqual(['alice', '~g1', '~g1']);
  });

  it('does not confirm a copy of its own 1:1 message from another device; notes to self it does', () => {
    const h = harness();
    h.deliver(
      message('MSG000001', {
        fromId: 'bob',
        toId: 'alice',
        chatMsg: { ...message('x').chatMsg, id: 'MSG000001', seq: 4 },
      }),
    );
    h.deliver(
      message('MSG000002', {
        fromId: 'bob',
        toId: 'bob',
        chatMsg: { ...message('x').chatMsg, id: 'MSG000002', seq: 5 },
      }),
    );
    expect(h.advanced).toEqual([4, 5]);
    expect(h.events[0]!.payload).toMatchObject({ conversationId: 'alice', kind: 'user' });
    expect(h.written).toEqual([
      { action: '4', fromId: 'bob', toId: 'bob', chatMsg: { id: 'MSG000002', status: 1 } },
    ]);
  });

  it('passes on a read made on another device of this user', () => {
    const h = harness();
    h.deliver({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: 'MSG000007', status: 2 } });
    expect(h.readElsewhere).toEqual([['alice', 'MSG000007']]);
    expect(h.events.map((e) => e.event)).toEqual(['status']);
  });

  it('shows room messages without confirming them and drops repeats', () => {
    const h = harness();
    h.deliver(message('MSG000005', { toId: '!lobby' }));
    h.deliver(message('MSG000005', { toId: '!lobby' }));
    expect(h.written).toEqual([]);
    expect(h.advanced).toEqual([]);
    expect(h.events.map((e) => e.event)).toEqual(['message', 'duplicate']);
    expect(h.events[0]!.payload).toMatchObject({ conversationId: '!lobby', kind: 'room', transient: false });
  });

  it('emits group events once each, in position, and recalls in groups move the group position', () => {
    const h = harness();
    const ev = { action: '16', ...event(8) };
    h.deliver(ev);
    h.deliver(ev);
    h.deliver({ action: '6', fromId: 'alice', toId: '~g1', chatMsg: { id: 'MSG000003', seq: 9 } });
    h.deliver({ action: '16', fromId: 'alice', toId: 'bob', event: { type: 'joined', seq: 1 } }); // not a group
    expect(h.events.map((e) => e.event)).toEqual(['groupEvent', 'recall', 'error']);
    expect(h.groupAdvanced).toEqual([
      ['~g1', 8],
      ['~g1', 8],
      ['~g1', 9],
    ]);
  });

  it('reports each live group read receipt with its count, not as a 1:1 status', () => {
    const h = harness();
    const receipt = (from: string, readCount: number) => ({
      action: '4',
      fromId: from,
      toId: '~g1',
      chatMsg: { id: 'MSG000031', status: 2, readCount },
    });
    h.deliver(receipt('carol', 1));
    h.deliver(receipt('dave', 2));
    expect(h.events).toEqual([
      { event: 'groupRead', payload: { groupId: '~g1', id: 'MSG000031', readerId: 'carol', readCount: 1 } },
      { event: 'groupRead', payload: { groupId: '~g1', id: 'MSG000031', readerId: 'dave', readCount: 2 } },
    ]);
  });

  it('settles a group message send by the group’s ack', async () => {
    const h = harness();
    const frame = {
      action: '3',
      fromId: 'bob',
      toId: '~g1',
      chatMsg: { id: 'MSG000031', type: 0, message: 'm' },
    } as const;
    const sent = h.ctx.requests.add(
      { kind: 'send', action: '3', frame, key: '3:MSG000031', resend: true },
      true,
    );
    h.deliver({
      action: '4',
      fromId: '~g1',
      toId: 'bob',
      chatMsg: { id: 'MSG000031', status: 1, time: 't', ts: 5 },
    });
    expect(await sent).toMatchObject({ action: '4', chatMsg: { id: 'MSG000031' } });
    expect(h.settled).toEqual(['MSG000031']);
  });

  it('answers 13 to 19 in write order per action and fails them with the code of their error frame', async () => {
    const h = harness();
    const add = (frame: OutboundFrame) =>
      h.ctx.requests.add({ kind: 'fifo', action: frame.action, frame, resend: true }, true);
    const create = add({ action: '13', fromId: 'bob', name: 'g' });
    const rename = add({ action: '14', fromId: 'bob', toId: '~g1', op: 'rename', name: 'x' });
    const remove = add({ action: '14', fromId: 'bob', toId: '~g1', op: 'remove', members: ['alice'] });
    const list = add({ action: '15', fromId: 'bob' });
    const convs = add({ action: '17', fromId: 'bob' });
    const join = add({ action: '18', fromId: 'bob', toId: '!a' });
    const full = add({ action: '18', fromId: 'bob', toId: '!b' });
    const leave = add({ action: '19', fromId: 'bob', toId: '!a' });
    h.deliver({ action: '14', toId: 'bob', op: 'rename', group: info });
    h.deliver({ action: '0', toId: 'bob', code: 'FORBIDDEN', error: 'admins only', ref: { action: '14' } });
    h.deliver({ action: '13', toId: 'bob', group: info });
    h.deliver({ action: '15', toId: 'bob', groups: [] });
    h.deliver({ action: '17', toId: 'bob', conversations: [] });
    h.deliver({ action: '18', toId: 'bob', room: '!a', recent: [] });
    // too many rooms is a limit, not shaping: final
    h.deliver({ action: '0', toId: 'bob', code: 'RATE_LIMITED', error: 'rooms', ref: { action: '18' } });
    h.deliver({ action: '19', toId: 'bob', room: '!a' });
    expect(await rename).toMatchObject({ op: 'rename' });
    await expect(remove).rejects.toMatchObject({ code: 'FORBIDDEN', action: '14' });
    expect(await create).toMatchObject({ action: '13' });
    expect(await list).toMatchObject({ action: '15' });
    expect(await convs).toMatchObject({ action: '17' });
    expect(await join).toMatchObject({ room: '!a' });
    await expect(full).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await leave).toMatchObject({ room: '!a' });
    expect(h.events).toEqual([]);
  });
});

describe('request order and non-idempotent requests', () => {
  it('matches an id-less reply to the request written first, not the one created first', async () => {
    let up = false;
    const table = new RequestTable((_f, onWritten) => {
      if (!up) return false;
      onWritten();
      return true;
    }, 5_000);
    const queued = table.add(
      { kind: 'fifo', action: '18', frame: { action: '18', fromId: 'x', toId: '!a' }, resend: true },
      false,
    );
    up = true;
    // written at once (a rejoin after a reconnect), then the queued one is flushed after it
    const first = table.add(
      { kind: 'fifo', action: '18', frame: { action: '18', fromId: 'x', toId: '!b' }, resend: false },
      true,
    );
    table.flush();
    table.resolve(table.oldestWritten('18')!, { action: '18', toId: 'x', room: '!b', recent: [] });
    table.resolve(table.oldestWritten('18')!, { action: '18', toId: 'x', room: '!a', recent: [] });
    expect(await first).toMatchObject({ room: '!b' });
    expect(await queued).toMatchObject({ room: '!a' });
  });

  it('resends a once-request that never reached a socket, fails one that did with DISCONNECTED', async () => {
    let up = true;
    const written: string[] = [];
    const table = new RequestTable((f, onWritten) => {
      if (!up) return false;
      written.push((f as { name: string }).name);
      onWritten();
      return true;
    }, 5_000);
    const sent = table.add(
      {
        kind: 'fifo',
        action: '13',
        frame: { action: '13', fromId: 'x', name: 'a' },
        resend: true,
        once: true,
      },
      true,
    );
    up = false;
    const unsent = table.add(
      {
        kind: 'fifo',
        action: '13',
        frame: { action: '13', fromId: 'x', name: 'b' },
        resend: true,
        once: true,
      },
      true,
    );
    table.disconnected();
    await expect(sent).rejects.toMatchObject({ code: 'DISCONNECTED', action: '13' });
    up = true;
    table.flush();
    expect(written).toEqual(['a', 'b']);
    table.resolve(table.oldestWritten('13')!, { action: '13', toId: 'x', group: info });
    expect(await unsent).toMatchObject({ action: '13' });
  });
});

describe('rooms', () => {
  function rooms(recent: () => HistoryEntry[]) {
    const events: { event: keyof ClientEvents; payload: unknown }[] = [];
    const asked: { frame: OutboundFrame; resend: boolean }[] = [];
    const seen = new SeenIds(100);
    const r = new Rooms({
      userId: 'bob',
      ask: async (frame, opts) => {
        asked.push({ frame, resend: opts.resend });
        return (
          frame.action === '18'
            ? { action: '18', toId: 'bob', room: (frame as { toId: string }).toId, recent: recent() }
            : { action: '19', toId: 'bob', room: (frame as { toId: string }).toId }
        ) as InboundFrame;
      },
      seen,
      sentByMe: (id) => id === 'MSG000009',
      emit: (event, payload) => events.push({ event, payload }),
    });
    return { r, events, asked, seen };
  }

  it('joins with the recent window, rejoins after a reconnect and shows only what was missed', async () => {
    let window = [entry('MSG000001', undefined, '!lobby')];
    const t = rooms(() => window);
    expect(await t.r.join('!lobby')).toEqual(window);
    expect(t.r.list).toEqual(['!lobby']);
    window = [...window, entry('MSG000008', undefined, '!lobby'), entry('MSG000009', undefined, '!lobby')];
    t.r.rejoinAll();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(t.asked.map((a) => [a.frame, a.resend])).toEqual([
      [{ action: '18', fromId: 'bob', toId: '!lobby' }, true],
      [{ action: '18', fromId: 'bob', toId: '!lobby' }, false],
    ]);
    expect(t.events.map((e) => e.event)).toEqual(['roomJoined', 'roomJoined', 'message']);
    expect(t.events[1]!.payload).toMatchObject({ room: '!lobby', rejoined: true, recent: window });
    // MSG000001 was in the first window, MSG000009 is this client's own
    expect(t.events[2]!.payload).toMatchObject({
      chatMsg: { id: 'MSG000008' },
      kind: 'room',
      conversationId: '!lobby',
    });

    await t.r.leave('!lobby');
    expect(t.r.list).toEqual([]);
    t.r.rejoinAll();
    expect(t.asked.at(-1)!.frame).toEqual({ action: '19', fromId: 'bob', toId: '!lobby' });
  });
});
