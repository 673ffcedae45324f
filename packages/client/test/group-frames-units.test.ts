/** Group and room frames arriving without a server: dispatch, and replies matched to their requests. */
import { describe, expect, it } from 'vitest';
import { RequestTable } from '../src/requests.js';
import { event, info } from './group-fixtures.js';
import { harness, message } from './inbound-harness.js';

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
    h.flush();
    expect(h.written).toEqual([
      { action: '22', fromId: 'bob', seq: 3 },
      { action: '4', fromId: 'bob', toId: '~g1', chatMsg: { id: 'MSG000002', status: 1 } },
    ]);
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
    h.flush();
    expect(h.written).toEqual([{ action: '22', fromId: 'bob', seq: 5 }]);
    h.deliver(
      message('MSG000003', {
        fromId: 'bob',
        toId: 'alice',
        chatMsg: { ...message('x').chatMsg, id: 'MSG000003', seq: 6 },
      }),
    );
    h.flush();
    expect(h.written).toHaveLength(1); // a batch of copies only: nothing to write
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
    h.flush();
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
    const create = h.request({ action: '13', fromId: 'bob', name: 'g' });
    const rename = h.request({ action: '14', fromId: 'bob', toId: '~g1', op: 'rename', name: 'x' });
    const remove = h.request({ action: '14', fromId: 'bob', toId: '~g1', op: 'remove', members: ['alice'] });
    const list = h.request({ action: '15', fromId: 'bob' });
    const convs = h.request({ action: '17', fromId: 'bob' });
    const join = h.request({ action: '18', fromId: 'bob', toId: '!a' });
    const full = h.request({ action: '18', fromId: 'bob', toId: '!b' });
    const leave = h.request({ action: '19', fromId: 'bob', toId: '!a' });
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
    const create = (name: string) =>
      table.add(
        { kind: 'fifo', action: '13', frame: { action: '13', fromId: 'x', name }, resend: true, once: true },
        true,
      );
    const sent = create('a');
    up = false;
    const unsent = create('b');
    table.disconnected();
    await expect(sent).rejects.toMatchObject({ code: 'DISCONNECTED', action: '13' });
    up = true;
    table.flush();
    expect(written).toEqual(['a', 'b']);
    table.resolve(table.oldestWritten('13')!, { action: '13', toId: 'x', group: info });
    expect(await unsent).toMatchObject({ action: '13' });
  });
});
