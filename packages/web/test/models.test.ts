/** The page's models without a browser: the list's unread counts, group read counts, event lines. */
import type { GroupEvent } from '@parley/client';
import { describe, expect, it } from 'vitest';
import { directRef, groupRef, unreadCount } from '../src/conversations/conversation.js';
import { ConversationList } from '../src/conversations/conversation-list.js';
import { groupEventText } from '../src/groups/event-text.js';
import { ReadCounts } from '../src/groups/read-counts.js';

const preview = (id: string, ts: number) => ({
  key: id,
  id,
  fromId: 'bob',
  fromMe: false,
  type: 0 as const,
  text: id,
  status: 1 as const,
  recalled: false,
  ts,
});

describe('the conversation list model', () => {
  it('takes the server’s count, keeping the unread messages it received by id', () => {
    const list = new ConversationList();
    const bob = directRef('bob');
    list.note(bob, preview('m1', 10), true);
    list.note(bob, preview('m2', 20), true);
    // the server counted 3: m1 and m2 plus an older one this page never saw
    list.seed({ ref: bob, title: 'Bob', preview: preview('m2', 20), lastTs: 20, unread: 3 });
    const conv = list.get('direct:bob')!;
    expect([conv.title, conv.unreadBase, [...conv.unreadIds], unreadCount(conv)]).toEqual([
      'Bob',
      1,
      ['m1', 'm2'],
      3,
    ]);
    // another device read up to m1: what is left is m2
    expect(list.readElsewhere('direct:bob', 'm1')).toBe(true);
    expect(unreadCount(list.get('direct:bob')!)).toBe(1);
    // a message it does not know: only the server can tell
    expect(list.readElsewhere('direct:bob', 'm0')).toBe(false);
  });

  it('counts a last message read here as read, though the server listed it before the read landed', () => {
    const list = new ConversationList();
    const g = groupRef('~g1');
    list.note(g, preview('m5', 50), true);
    list.markAllRead('group:~g1', 'm5');
    list.seed({ ref: g, title: 'Trip', preview: preview('m5', 50), lastTs: 50, unread: 1 });
    expect(unreadCount(list.get('group:~g1')!)).toBe(0);
    // a newer message than the one read: the server's count stands
    list.seed({ ref: g, title: 'Trip', preview: preview('m6', 60), lastTs: 60, unread: 1 });
    expect(unreadCount(list.get('group:~g1')!)).toBe(1);
  });

  it('sorts newest activity first (joining a group counts), contacts without messages last by title', () => {
    const list = new ConversationList();
    list.ensure(directRef('zed'), 'Zed');
    list.ensure(directRef('amy'), 'Amy');
    list.note(directRef('bob'), preview('m1', 10), false);
    list.touch(groupRef('~g1'), 20);
    expect(list.sorted().map((c) => c.key)).toEqual(['group:~g1', 'direct:bob', 'direct:amy', 'direct:zed']);
  });
});

describe('group read counts', () => {
  it('counts members who joined before a message and read up to it, and receipts for messages without a position', () => {
    const reads = new ReadCounts();
    const member = (userId: string, joinedSeq: number, readSeq: number) => ({
      userId,
      name: userId,
      role: 'member' as const,
      joinedSeq,
      readSeq,
    });
    // dave joined at 8: he never saw what came before, though his read position is past it
    reads.setMembers([
      member('alice', 0, 9),
      member('bob', 0, 7),
      member('carol', 0, 4),
      member('dave', 8, 9),
    ]);
    expect(reads.count('m5', 5, 'alice')).toBe(1); // bob; alice sent it
    expect(reads.count('m8', 8, 'alice')).toBe(0);
    // carol read up to m9 (sent here: no position yet), so m8 too
    reads.receipt(['m8', 'm9'], 'carol');
    expect(reads.count('m9', undefined, 'alice')).toBe(1);
    expect(reads.count('m8', 8, 'alice')).toBe(1);
    reads.raise('bob', 9);
    expect(reads.count('m8', 8, 'alice')).toBe(2); // bob by position, carol by receipt
    expect(reads.count('m9', 9, 'alice')).toBe(3); // and dave, who joined before m9
  });
});

describe('group event lines', () => {
  const names: Record<string, string> = { alice: 'Alice', dave: 'Dave', erin: 'Erin' };
  const nameOf = (u: string) => names[u] ?? u;
  const line = (fromId: string, event: Partial<GroupEvent>, me = 'bob') =>
    groupEventText(fromId, { seq: 1, time: 't', ts: 1, type: 'joined', ...event }, nameOf, me);

  it('names who did what, "you" for the reader', () => {
    expect(line('alice', { type: 'created', name: 'Trip', users: ['alice', 'bob'] })).toBe(
      'Alice created the group “Trip”',
    );
    expect(line('alice', { type: 'joined', users: ['dave', 'erin'] })).toBe('Alice added Dave and Erin');
    expect(line('alice', { type: 'joined', users: ['bob'] })).toBe('Alice added you');
    expect(line('bob', { type: 'removed', users: ['dave'] })).toBe('You removed Dave');
    expect(line('dave', { type: 'left', users: ['dave'] })).toBe('Dave left');
    expect(line('bob', { type: 'left', users: ['bob'] })).toBe('You left');
    expect(line('alice', { type: 'renamed', name: '<b>x</b>' })).toBe(
      'Alice renamed the group to “<b>x</b>”',
    );
    expect(line('alice', { type: 'owner', users: ['bob'] })).toBe('You are now the owner');
    expect(line('alice', { type: 'role', users: ['dave'], role: 'admin' })).toBe('Alice made Dave an admin');
    expect(line('alice', { type: 'muted', users: ['bob'] })).toBe('Alice muted you');
    expect(line('alice', { type: 'dismissed' })).toBe('Alice dismissed the group');
  });
});
