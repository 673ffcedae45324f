import { beforeEach, describe, expect, it } from 'vitest';
import type { GroupChange, GroupEntry } from '../../src/store/groups.js';
import type { Store, WriteResultOf } from '../../src/store/store.js';
import { brief, GroupDriver, sorted } from './group-fixture.js';

/** The entries of a change that was made. */
function entriesOf(r: WriteResultOf<'changeGroup'>): GroupEntry[] {
  if (r.outcome !== 'changed') throw new Error(`not changed: ${r.outcome}`);
  return r.entries;
}

/**
 * The behaviour of groups every Store must have (see store.ts, groups.ts and group-rules.ts):
 * membership, roles and the group's life. Messages to groups are `describeGroupMessageContract`.
 * Each implementation runs this suite, as it runs `describeStoreContract`.
 */
export function describeGroupContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Group contract: ${name}`, () => {
    let g: GroupDriver;
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
      g = await new GroupDriver(store).start();
    });

    it('creates a group: the owner and its members from position 0, the created event first', async () => {
      const r = await g.create('~g', 'a', ['b', 'c', 'a', 'b']);
      const at = g.t - 1;
      const group = {
        id: '~g',
        name: 'Group ~g',
        ownerId: 'a',
        mutedAll: false,
        memberCount: 3,
        seqHead: 1,
        createdMs: at,
        dismissed: false,
      };
      const created = { type: 'created', name: 'Group ~g', users: ['a', 'b', 'c'] };
      const entries = [{ kind: 'event', groupId: '~g', seq: 1, actorId: 'a', timeMs: at, event: created }];
      expect(sorted(r)).toEqual({ outcome: 'created', group, entries, recipients: ['a', 'b', 'c'] });
      expect(await store.getGroup('~g')).toEqual(group);
      expect(await store.groupEntries('~g', 0, 10, 10)).toEqual(entries);
      const member = (userId: string, role: string) => ({
        groupId: '~g',
        userId,
        name: userId.toUpperCase(),
        role,
        joinedSeq: 0,
        readSeq: 0,
        deliveredSeq: 0,
        mutedUntilMs: undefined,
        leftSeq: undefined,
      });
      expect(await store.groupMembers('~g')).toEqual([
        member('a', 'owner'),
        member('b', 'member'),
        member('c', 'member'),
      ]);
      expect(await store.groupMember('~g', 'c')).toEqual(member('c', 'member'));
      expect(await store.groupMember('~g', 'd')).toBeUndefined();
      expect(await store.getGroup('~nope')).toBeUndefined();
      expect(await store.groupMembers('~nope')).toEqual([]);
      expect(await store.groupsOf('b')).toEqual([group]);
      expect(await store.groupsOf('d')).toEqual([]);
      // a taken id (checked first), unknown users (the first is named), too many members
      expect(await g.create('~g', 'd', [])).toEqual({ outcome: 'exists' });
      expect(await g.create('~g', 'd', ['ghost'])).toEqual({ outcome: 'exists' });
      expect(await g.create('~h', 'a', ['b', 'ghost', 'nobody'])).toEqual({
        outcome: 'unknown_user',
        userId: 'ghost',
      });
      expect(await g.create('~h', 'a', ['b', 'c'], 2)).toEqual({ outcome: 'group_full' });
      expect(await store.getGroup('~h')).toBeUndefined();
      expect((await g.create('~h', 'a', ['b', 'c', 'a'], 3)).outcome).toBe('created');
      // newest first
      expect((await store.groupsOf('a')).map((x) => x.id)).toEqual(['~h', '~g']);
    });

    it('lets members only leave, admins manage members, and the owner do everything', async () => {
      await g.group('~g', 'a', ['b', 'c', 'd']);
      const forbidden = { outcome: 'forbidden' };
      const managing: GroupChange[] = [
        { op: 'rename', name: 'x' },
        { op: 'add', members: ['e'] },
        { op: 'remove', members: ['c'] },
        { op: 'role', members: ['c'], role: 'admin' },
        { op: 'mute', members: ['c'], untilMs: 0 },
        { op: 'unmute', members: ['c'] },
        { op: 'muteAll', on: true },
        { op: 'dismiss' },
      ];
      for (const c of managing) expect(await g.change('~g', 'b', c), `member ${c.op}`).toEqual(forbidden);
      for (const c of [...managing, { op: 'leave' } as const])
        expect(await g.change('~g', 'e', c), `outsider ${c.op}`).toEqual({ outcome: 'not_member' });
      expect(await g.change('~nope', 'a', { op: 'leave' })).toEqual({ outcome: 'unknown_group' });
      expect(await store.getGroup('~g')).toMatchObject({ seqHead: 1 }); // refusals append nothing

      const role = await g.change('~g', 'a', { op: 'role', members: ['b'], role: 'admin' });
      expect(sorted(role)).toMatchObject({
        outcome: 'changed',
        group: { seqHead: 2 },
        entries: [
          { kind: 'event', seq: 2, actorId: 'a', event: { type: 'role', users: ['b'], role: 'admin' } },
        ],
        recipients: ['a', 'b', 'c', 'd'],
      });
      // an admin: not on the owner, not on itself, not the owner's own ops
      for (const c of [
        { op: 'remove', members: ['a'] },
        { op: 'remove', members: ['b'] },
        { op: 'mute', members: ['a'], untilMs: 0 },
        { op: 'role', members: ['c'], role: 'admin' },
        { op: 'dismiss' },
      ] as GroupChange[])
        expect(await g.change('~g', 'b', c), `admin ${c.op}`).toEqual(forbidden);
      const renamed = await g.change('~g', 'b', { op: 'rename', name: 'Trip' });
      expect(renamed).toMatchObject({
        group: { name: 'Trip' },
        entries: [{ event: { type: 'renamed', name: 'Trip' } }],
      });
      expect(await g.change('~g', 'b', { op: 'add', members: ['e', 'ghost'] })).toEqual({
        outcome: 'unknown_user',
        userId: 'ghost',
      });
      // members already in are left out of the event
      expect(brief(await g.changed('~g', 'b', { op: 'add', members: ['e', 'b', 'e'] }))).toEqual([
        '4 joined e',
      ]);
      await g.changed('~g', 'a', { op: 'role', members: ['c'], role: 'admin' }); // 5
      // an admin on another admin
      for (const c of [
        { op: 'remove', members: ['c'] },
        { op: 'mute', members: ['c'], untilMs: 0 },
        { op: 'unmute', members: ['c'] },
      ] as GroupChange[])
        expect(await g.change('~g', 'b', c), `admin on admin ${c.op}`).toEqual(forbidden);
      // removing one that is not in changes nothing for it
      const removed = await g.change('~g', 'b', { op: 'remove', members: ['d', 'f'] });
      expect(brief(entriesOf(removed))).toEqual(['6 removed d']);
      expect((sorted(removed) as { recipients: string[] }).recipients).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect((await g.changed('~g', 'b', { op: 'mute', members: ['e'], untilMs: 0 }))[0]).toMatchObject({
        seq: 7,
        event: { type: 'muted', users: ['e'], untilMs: 0 },
      });
      expect(await store.groupMember('~g', 'e')).toMatchObject({ mutedUntilMs: 0 });
      expect(brief(await g.changed('~g', 'b', { op: 'unmute', members: ['e'] }))).toEqual(['8 unmuted e']);
      expect((await store.groupMember('~g', 'e'))?.mutedUntilMs).toBeUndefined();
      // a change that changes nothing still answers, with nothing appended
      expect(await g.change('~g', 'b', { op: 'unmute', members: ['e'] })).toMatchObject({
        outcome: 'changed',
        group: { seqHead: 8 },
        entries: [],
      });
      expect(brief(await g.changed('~g', 'b', { op: 'muteAll', on: true }))).toEqual(['9 mutedAll']);
      expect(await g.changed('~g', 'c', { op: 'muteAll', on: true })).toEqual([]);
      expect(await store.getGroup('~g')).toMatchObject({ mutedAll: true, seqHead: 9 });
      // the owner: on anyone but itself
      for (const c of [
        { op: 'remove', members: ['a'] },
        { op: 'mute', members: ['a'], untilMs: 0 },
        { op: 'role', members: ['a'], role: 'member' },
      ] as GroupChange[])
        expect(await g.change('~g', 'a', c), `owner on itself ${c.op}`).toEqual(forbidden);
      expect(brief(await g.changed('~g', 'a', { op: 'remove', members: ['b'] }))).toEqual(['10 removed b']);
      expect(brief(await g.changed('~g', 'a', { op: 'role', members: ['c'], role: 'member' }))).toEqual([
        '11 role c',
      ]);
      expect(await g.changed('~g', 'a', { op: 'role', members: ['c', 'b'], role: 'member' })).toEqual([]);
      expect(await g.changed('~g', 'a', { op: 'remove', members: ['f'] })).toEqual([]);
      expect((await store.groupMembers('~g')).map((m) => `${m.userId} ${m.role}`)).toEqual([
        'a owner',
        'c member',
        'e member',
      ]);
      expect(await store.getGroup('~g')).toMatchObject({ name: 'Trip', memberCount: 3, seqHead: 11 });
    });

    it('shows a joiner its own joined event on, and a parted member what it saw until it left', async () => {
      await g.group('~g', 'a', ['b']); // 1
      const m2 = await g.send('a', '~g'); // 2
      expect(brief(await g.changed('~g', 'a', { op: 'add', members: ['c'] }))).toEqual(['3 joined c']);
      expect(await store.groupMember('~g', 'c')).toMatchObject({
        role: 'member',
        joinedSeq: 2,
        readSeq: 2,
        deliveredSeq: 2,
        leftSeq: undefined,
      });
      expect(await store.groupsToSync('c')).toEqual([{ groupId: '~g', deliveredSeq: 2, endSeq: 3 }]);
      expect(await g.read('~g', 'c', m2.msgId)).toEqual({ outcome: 'not_found' }); // before it joined
      const removed = await g.change('~g', 'a', { op: 'remove', members: ['c'] }); // 4
      expect(sorted(removed)).toMatchObject({ group: { memberCount: 2 }, recipients: ['a', 'b', 'c'] });
      expect(await store.groupMember('~g', 'c')).toMatchObject({ leftSeq: 4, deliveredSeq: 2 });
      expect((await store.groupMembers('~g')).map((m) => m.userId)).toEqual(['a', 'b']);
      expect(await store.groupsOf('c')).toEqual([]);
      await g.send('a', '~g'); // 5
      // a removed member syncs up to its removal, nothing after
      expect(await store.groupsToSync('c')).toEqual([{ groupId: '~g', deliveredSeq: 2, endSeq: 4 }]);
      expect(await store.groupsToSync('b')).toEqual([{ groupId: '~g', deliveredSeq: 0, endSeq: 5 }]);
      await g.confirm('~g', 'c', 4);
      expect(await store.groupsToSync('c')).toEqual([]);
      const [fromC] = await g.reserve('c');
      expect(await g.append(g.msg(fromC!, 'c', '~g'))).toEqual({ outcome: 'not_member' });
      // joining again starts from the new joined event
      await g.changed('~g', 'a', { op: 'add', members: ['c'] }); // 6
      expect(await store.groupMember('~g', 'c')).toMatchObject({
        joinedSeq: 5,
        readSeq: 5,
        deliveredSeq: 5,
        mutedUntilMs: undefined,
        leftSeq: undefined,
      });
      expect(await g.append(g.msg(fromC!, 'c', '~g'))).toMatchObject({
        outcome: 'stored',
        message: { seq: 7 },
      });
      // leaving: one event, and the member's end
      expect(brief(await g.changed('~g', 'c', { op: 'leave' }))).toEqual(['8 left c']);
      expect(await store.groupMember('~g', 'c')).toMatchObject({ leftSeq: 8 });
      expect(await store.getGroup('~g')).toMatchObject({ memberCount: 2 });
    });

    it('refuses to add members beyond the maximum, adding nobody', async () => {
      await g.group('~g', 'a', ['b']);
      expect(await g.change('~g', 'a', { op: 'add', members: ['c', 'd'] }, 3)).toEqual({
        outcome: 'group_full',
      });
      expect(await store.getGroup('~g')).toMatchObject({ memberCount: 2, seqHead: 1 });
      expect(await store.groupMember('~g', 'c')).toBeUndefined();
      // members already in do not count twice
      expect(await g.change('~g', 'a', { op: 'add', members: ['b', 'c'] }, 3)).toMatchObject({
        outcome: 'changed',
        group: { memberCount: 3 },
      });
      expect(await g.change('~g', 'a', { op: 'add', members: ['b', 'd'] }, 3)).toEqual({
        outcome: 'group_full',
      });
      expect(await g.change('~g', 'a', { op: 'add', members: ['b'] }, 3)).toMatchObject({ entries: [] });
    });

    it('hands the group to the longest-standing admin, else member, when the owner leaves', async () => {
      await g.group('~g', 'a', ['b', 'c']); // 1
      await g.changed('~g', 'a', { op: 'add', members: ['e'] }); // 2: e sees from 1 on
      await g.changed('~g', 'a', { op: 'add', members: ['d'] }); // 3
      await g.changed('~g', 'a', { op: 'role', members: ['d', 'e'], role: 'admin' }); // 4
      const r = await g.change('~g', 'a', { op: 'leave' });
      expect(brief(entriesOf(r))).toEqual(['5 owner e', '6 left a']);
      expect(sorted(r)).toMatchObject({
        group: { ownerId: 'e', memberCount: 4 },
        recipients: ['a', 'b', 'c', 'd', 'e'],
      });
      expect(await store.groupMember('~g', 'e')).toMatchObject({ role: 'owner' });
      expect(await store.groupMember('~g', 'a')).toMatchObject({ leftSeq: 6 });
      // the other admin, though members joined before it
      expect(brief(await g.changed('~g', 'e', { op: 'leave' }))).toEqual(['7 owner d', '8 left e']);
      // no admin: the longest-standing member (b and c joined together: the first by id)
      expect(brief(await g.changed('~g', 'd', { op: 'leave' }))).toEqual(['9 owner b', '10 left d']);
      expect(await store.getGroup('~g')).toMatchObject({ ownerId: 'b' });
      expect(brief(await g.changed('~g', 'c', { op: 'leave' }))).toEqual(['11 left c']);
      // the last member leaving dismisses the group
      const last = await g.change('~g', 'b', { op: 'leave' });
      expect(brief(entriesOf(last))).toEqual(['12 left b', '13 dismissed']);
      expect(last).toMatchObject({ group: { dismissed: true, memberCount: 0 } });
      expect(await g.change('~g', 'b', { op: 'add', members: ['c'] })).toEqual({ outcome: 'dismissed' });
      // among members, the one that joined first
      await g.group('~h', 'a', ['c']);
      await g.changed('~h', 'a', { op: 'add', members: ['b'] });
      expect(brief(await g.changed('~h', 'a', { op: 'leave' }))).toEqual(['3 owner c', '4 left a']);
    });

    it('refuses changes and messages once dismissed; its members keep it and its history', async () => {
      await g.group('~g', 'a', ['b']);
      const m2 = await g.send('b', '~g');
      expect(await g.change('~g', 'b', { op: 'dismiss' })).toEqual({ outcome: 'forbidden' });
      const r = await g.change('~g', 'a', { op: 'dismiss' });
      expect(r).toMatchObject({ outcome: 'changed', group: { dismissed: true, memberCount: 2 } });
      expect(brief(entriesOf(r))).toEqual(['3 dismissed']);
      for (const [actor, c] of [
        ['a', { op: 'rename', name: 'x' }],
        ['a', { op: 'add', members: ['c'] }],
        ['a', { op: 'dismiss' }],
        ['b', { op: 'leave' }],
      ] as [string, GroupChange][])
        expect(await g.change('~g', actor, c), c.op).toEqual({ outcome: 'dismissed' });
      const [id] = await g.reserve('b');
      expect(await g.append(g.msg(id!, 'b', '~g'))).toEqual({ outcome: 'dismissed' });
      expect(await g.append(g.msg(id!, 'b', 'a'))).toMatchObject({ outcome: 'stored' }); // still b's id
      expect((await store.groupsOf('b')).map((x) => [x.id, x.dismissed])).toEqual([['~g', true]]);
      expect(brief(await store.groupHistory('~g', 0, 100, 10))).toEqual([
        '3 dismissed',
        `2 message ${m2.msgId}`,
        '1 created a,b',
      ]);
      expect(await g.create('~g', 'c', [])).toEqual({ outcome: 'exists' });
      expect(await store.getGroup('~g')).toMatchObject({ seqHead: 3 });
    });
  });
}
