import { beforeEach, describe, expect, it } from 'vitest';
import type { AppendResult, NewMessage, Store, WriteOp } from '../../src/store/store.js';
import { brief, GroupDriver, sorted, storedAs } from './group-fixture.js';

/**
 * The behaviour of messages to groups every Store must have: stored once at the group's next
 * position, refused to outsiders and muted members, listed, read, counted and recalled. Each
 * implementation runs this suite beside `describeGroupContract`.
 */
export function describeGroupMessageContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Group message contract: ${name}`, () => {
    let g: GroupDriver;
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
      g = await new GroupDriver(store).start();
    });

    it('stores a group message once, at the group’s next position, for the members of now', async () => {
      await g.group('~g', 'a', ['b', 'c']); // 1
      const [id] = await g.reserve('a');
      const m = g.msg(id!, 'a', '~g', 'hello');
      const message = { seq: 2, ...storedAs({ ...m, status: 1, recalled: false }) };
      expect(sorted(await g.append(m))).toEqual({ outcome: 'stored', message, recipients: ['a', 'b', 'c'] });
      expect(await store.getMessage(id!)).toEqual(storedAs(message));
      // not in anyone's 1:1 timeline
      for (const u of ['a', 'b', 'c']) {
        expect(await store.seqHead(u)).toBe(0);
        expect(await store.inboxSince(u, 0, 10)).toEqual([]);
        expect(await store.pendingMessages(u, 0, 10)).toEqual([]);
        expect(await store.history({ userId: u, limit: 10 })).toEqual([]);
      }
      expect(await store.groupEntries('~g', 1, 2, 10)).toEqual([
        { kind: 'message', groupId: '~g', seq: 2, message: storedAs(message) },
      ]);
      expect(await store.groupMessageSeq('~g', id!)).toBe(2);
      expect(await store.groupMessageSeq('~g', 999_999)).toBeUndefined();
      expect(await store.groupMessageSeq('~other', id!)).toBeUndefined();
      // whoever sends, the next position
      expect((await g.send('b', '~g')).seq).toBe(3);
      const fromC = await g.send('c', '~g');
      expect(fromC.seq).toBe(4);
      // the same message again: the same position; another one under its id is not
      expect(sorted(await g.append(m))).toEqual({ outcome: 'retry', message, recipients: ['a', 'b', 'c'] });
      expect(await g.append({ ...m, body: 'changed' })).toEqual({
        outcome: 'duplicate',
      });
      expect(await g.append({ ...m, toId: 'b' })).toEqual({ outcome: 'duplicate' });
      expect(await g.append({ ...m, toId: '~other' })).toEqual({ outcome: 'duplicate' });
      expect(await g.append({ ...m, fromId: 'b' })).toEqual({ outcome: 'bad_id' });
      // a retry goes to the members of now
      await g.changed('~g', 'a', { op: 'remove', members: ['c'] }); // 5
      const again = await g.append(g.msg(fromC.msgId, 'c', '~g', fromC.body, fromC.timeMs));
      expect(sorted(again)).toEqual({ outcome: 'retry', message: fromC, recipients: ['a', 'b'] });
      expect(await store.getGroup('~g')).toMatchObject({ seqHead: 5 });
      // the sender has read its own message
      expect(await store.groupMember('~g', 'a')).toMatchObject({ readSeq: 2 });
      expect(await store.groupMember('~g', 'b')).toMatchObject({ readSeq: 3 });
    });

    it('numbers the group messages of one batch in op order, among 1:1 messages and refusals', async () => {
      await g.group('~g', 'a', ['b', 'c']);
      const ids = await g.reserve('a', 3);
      const [fromB] = await g.reserve('b');
      const [fromD] = await g.reserve('d');
      const op = (m: NewMessage): WriteOp => ({ kind: 'append', ...m, validFromMs: 0, maxPending: 100 });
      const first = g.msg(ids[0]!, 'a', '~g');
      const results = await store.write([
        op(first),
        op(g.msg(fromB!, 'b', '~g')),
        op(g.msg(fromD!, 'd', '~g')),
        op(g.msg(ids[1]!, 'a', 'b')),
        op(g.msg(ids[2]!, 'a', '~g')),
        op(first), // again: a retry
        op(g.msg(fromD!, 'd', 'a')), // the refused id is still d's
      ]);
      const seqs = (results as AppendResult[]).map(
        (r) => `${r.outcome} ${'message' in r ? r.message.seq : ''}`,
      );
      expect(seqs).toEqual([
        'stored 2',
        'stored 3',
        'not_member ',
        'stored 1',
        'stored 4',
        'retry 2',
        'stored 2', // a's timeline: its message to b was 1
      ]);
      expect((await store.groupEntries('~g', 0, 10, 10)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    });

    it('refuses messages to unknown and dismissed groups, from outsiders and muted members, keeping the id', async () => {
      await g.group('~g', 'a', ['b', 'c']); // 1
      const [id] = await g.reserve('a');
      expect(await g.append(g.msg(id!, 'a', '~nope'))).toEqual({ outcome: 'unknown_group' });
      expect(await g.append(g.msg(id!, 'a', '~g'))).toMatchObject({ outcome: 'stored', message: { seq: 2 } });
      const [fromD] = await g.reserve('d');
      expect(await g.append(g.msg(fromD!, 'd', '~g'))).toEqual({ outcome: 'not_member' });
      await g.changed('~g', 'a', { op: 'add', members: ['d'] }); // 3
      expect(await g.append(g.msg(fromD!, 'd', '~g'))).toMatchObject({
        outcome: 'stored',
        message: { seq: 4 },
      });
      // muted until unmuted
      await g.changed('~g', 'a', { op: 'mute', members: ['b'], untilMs: 0 }); // 5
      const [fromB] = await g.reserve('b');
      expect(await g.append(g.msg(fromB!, 'b', '~g'))).toEqual({ outcome: 'muted' });
      await g.changed('~g', 'a', { op: 'unmute', members: ['b'] }); // 6
      expect(await g.append(g.msg(fromB!, 'b', '~g'))).toMatchObject({
        outcome: 'stored',
        message: { seq: 7 },
      });
      // muted for a while: until that instant
      const until = g.t + 1000;
      await g.changed('~g', 'a', { op: 'mute', members: ['c'], untilMs: until }); // 8
      expect(await store.groupMember('~g', 'c')).toMatchObject({ mutedUntilMs: until });
      const [fromC] = await g.reserve('c');
      expect(await g.append(g.msg(fromC!, 'c', '~g', 'x', until - 1))).toEqual({ outcome: 'muted' });
      expect(await g.append(g.msg(fromC!, 'c', '~g', 'x', until))).toMatchObject({ message: { seq: 9 } });
      // while all are muted, the owner and the admins still post
      await g.changed('~g', 'a', { op: 'role', members: ['b'], role: 'admin' }); // 10
      await g.changed('~g', 'b', { op: 'muteAll', on: true }); // 11
      const [d2] = await g.reserve('d');
      expect(await g.append(g.msg(d2!, 'd', '~g'))).toEqual({ outcome: 'muted' });
      expect((await g.send('b', '~g')).seq).toBe(12);
      expect((await g.send('a', '~g')).seq).toBe(13);
      await g.changed('~g', 'a', { op: 'muteAll', on: false }); // 14
      expect(await g.append(g.msg(d2!, 'd', '~g'))).toMatchObject({ message: { seq: 15 } });
      await g.changed('~g', 'a', { op: 'dismiss' }); // 16
      const [a2] = await g.reserve('a');
      expect(await g.append(g.msg(a2!, 'a', '~g'))).toEqual({ outcome: 'dismissed' });
      expect(await g.append(g.msg(a2!, 'a', 'b'))).toMatchObject({ outcome: 'stored' });
      expect(await store.getGroup('~g')).toMatchObject({ seqHead: 16 });
    });

    it("lists a member's groups with entries it has not received; its position only moves up", async () => {
      await g.group('~g', 'a', ['b']); // 1
      await g.group('~h', 'c', ['b']); // 1
      await g.send('a', '~g'); // 2
      await g.send('a', '~g'); // 3
      const sync = async (u: string) =>
        (await store.groupsToSync(u)).sort((x, y) => (x.groupId < y.groupId ? -1 : 1));
      expect(await sync('b')).toEqual([
        { groupId: '~g', deliveredSeq: 0, endSeq: 3 },
        { groupId: '~h', deliveredSeq: 0, endSeq: 1 },
      ]);
      // its own messages do not move the sender past the created event it has not confirmed
      expect(await sync('a')).toEqual([{ groupId: '~g', deliveredSeq: 0, endSeq: 3 }]);
      await g.confirm('~g', 'b', 2);
      await g.confirm('~h', 'b', 1);
      expect(await sync('b')).toEqual([{ groupId: '~g', deliveredSeq: 2, endSeq: 3 }]);
      await g.confirm('~g', 'b', 1); // never back
      expect(await store.groupMember('~g', 'b')).toMatchObject({ deliveredSeq: 2 });
      await g.confirm('~g', 'b', 3);
      expect(await sync('b')).toEqual([]);
      // a sender that had every entry before its message has its message too
      await g.confirm('~g', 'a', 3);
      await g.send('a', '~g'); // 4
      expect(await sync('a')).toEqual([]);
      expect(await sync('b')).toEqual([{ groupId: '~g', deliveredSeq: 3, endSeq: 4 }]);
      // but not past an entry that may still be on its way to it
      await g.send('b', '~g'); // 5
      await g.send('a', '~g'); // 6
      expect(await store.groupMember('~g', 'a')).toMatchObject({ deliveredSeq: 4, readSeq: 6 });
      expect(await sync('a')).toEqual([{ groupId: '~g', deliveredSeq: 4, endSeq: 6 }]);
    });

    it('reads a timeline oldest first, and history newest first without the recall entries', async () => {
      await g.group('~g', 'a', ['b']); // 1
      const m2 = await g.send('a', '~g');
      const m3 = await g.send('b', '~g');
      await g.changed('~g', 'a', { op: 'rename', name: 'Trip' }); // 4
      const renamedAt = g.t - 1;
      const m5 = await g.send('a', '~g');
      await g.recall('~g', 'a', m2.msgId); // 6
      const m7 = await g.send('b', '~g');
      const all = await store.groupEntries('~g', 0, 7, 100);
      expect(brief(all)).toEqual([
        '1 created a,b',
        `2 message ${m2.msgId}`,
        `3 message ${m3.msgId}`,
        '4 renamed',
        `5 message ${m5.msgId}`,
        `6 recall ${m2.msgId}`,
        `7 message ${m7.msgId}`,
      ]);
      expect(all[1]).toEqual({ kind: 'message', groupId: '~g', seq: 2, message: storedAs(m2, true) });
      expect(all[3]).toEqual({
        kind: 'event',
        groupId: '~g',
        seq: 4,
        actorId: 'a',
        timeMs: renamedAt,
        event: { type: 'renamed', name: 'Trip' },
      });
      expect(all[5]).toEqual({ kind: 'recall', groupId: '~g', seq: 6, message: storedAs(m2, true) });
      // recalled, it is still told from another message under its id
      const sent = g.msg(m2.msgId, 'a', '~g', m2.body, m2.timeMs);
      expect(await g.append(sent)).toMatchObject({ outcome: 'retry', message: { seq: 2, recalled: true } });
      expect(await g.append({ ...sent, body: '' })).toEqual({ outcome: 'duplicate' });
      const seqs = (entries: { seq: number }[]) => entries.map((e) => e.seq);
      expect(seqs(await store.groupEntries('~g', 2, 5, 100))).toEqual([3, 4, 5]);
      expect(seqs(await store.groupEntries('~g', 2, 5, 2))).toEqual([3, 4]);
      expect(await store.groupEntries('~g', 7, 7, 10)).toEqual([]);
      expect(seqs(await store.groupHistory('~g', 0, Number.MAX_SAFE_INTEGER, 100))).toEqual([
        7, 5, 4, 3, 2, 1,
      ]);
      expect(seqs(await store.groupHistory('~g', 1, 5, 2))).toEqual([4, 3]);
      expect(seqs(await store.groupHistory('~g', 3, 8, 10))).toEqual([7, 5, 4]);
      expect((await store.groupHistory('~g', 0, 3, 10))[0]).toEqual(all[1]);
      expect(await store.groupHistory('~nope', 0, 100, 10)).toEqual([]);
    });

    it('moves read positions up, counts the readers, and finds only what the reader may see', async () => {
      await g.group('~g', 'a', ['b', 'c', 'd']); // 1
      const m2 = await g.send('a', '~g');
      const m3 = await g.send('a', '~g');
      const read = (seq: number, senderId: string, readCount: number) => ({
        outcome: 'read',
        seq,
        senderId,
        readCount,
      });
      expect(await g.read('~g', 'b', m3.msgId)).toEqual(read(3, 'a', 1));
      expect(await store.groupMember('~g', 'b')).toMatchObject({ readSeq: 3, deliveredSeq: 3 });
      expect(await g.read('~g', 'b', m2.msgId)).toEqual({ outcome: 'already' });
      expect(await g.read('~g', 'b', m3.msgId)).toEqual({ outcome: 'already' });
      // b, which read further, counts; the sender never does
      expect(await g.read('~g', 'c', m2.msgId)).toEqual(read(2, 'a', 2));
      expect(await g.read('~g', 'a', m2.msgId)).toEqual({ outcome: 'already' });
      // outsiders, unknown messages, other groups' and 1:1 messages
      expect(await g.read('~g', 'e', m2.msgId)).toEqual({ outcome: 'not_found' });
      expect(await g.read('~g', 'b', 999_999)).toEqual({ outcome: 'not_found' });
      await g.group('~h', 'a', ['b']);
      const other = await g.send('a', '~h');
      expect(await g.read('~g', 'b', other.msgId)).toEqual({ outcome: 'not_found' });
      const direct = await g.send('a', 'b');
      expect(await g.read('~g', 'b', direct.msgId)).toEqual({ outcome: 'not_found' });
      // messages from before a member joined
      await g.changed('~g', 'a', { op: 'add', members: ['e'] }); // 4
      expect(await g.read('~g', 'e', m3.msgId)).toEqual({ outcome: 'not_found' });
      const m5 = await g.send('c', '~g');
      expect(await g.read('~g', 'e', m5.msgId)).toEqual(read(5, 'c', 1));
      expect(await g.read('~g', 'b', m5.msgId)).toEqual(read(5, 'c', 2));
      // only members of now count, and only they read
      await g.changed('~g', 'a', { op: 'remove', members: ['b'] }); // 6
      expect(await g.read('~g', 'd', m5.msgId)).toEqual(read(5, 'c', 2));
      expect(await g.read('~g', 'b', m5.msgId)).toEqual({ outcome: 'not_found' });
    });

    it("recalls only the sender's own message, inside the window, once, as an entry of the group", async () => {
      await g.group('~g', 'a', ['b']); // 1
      const m = await g.send('a', '~g', 'secret'); // 2
      expect(await g.recall('~g', 'b', m.msgId)).toEqual({ outcome: 'forbidden' });
      expect(await g.recall('~g', 'c', m.msgId)).toEqual({ outcome: 'not_found' });
      expect(await g.recall('~g', 'a', 999_999)).toEqual({ outcome: 'not_found' });
      expect(await g.recall('~g', 'a', m.msgId, m.timeMs + 1)).toEqual({ outcome: 'expired' });
      const direct = await g.send('a', 'b');
      expect(await g.recall('~g', 'a', direct.msgId)).toEqual({ outcome: 'not_found' });
      await g.group('~h', 'a', ['b']);
      expect(await g.recall('~h', 'a', m.msgId)).toEqual({ outcome: 'not_found' });
      const r = await g.recall('~g', 'a', m.msgId, m.timeMs);
      expect(sorted(r)).toEqual({
        outcome: 'recalled',
        entry: { kind: 'recall', groupId: '~g', seq: 3, message: storedAs(m, true) },
        recipients: ['a', 'b'],
      });
      expect(await g.recall('~g', 'a', m.msgId)).toEqual({ outcome: 'already' });
      expect(await store.getMessage(m.msgId)).toEqual(storedAs(m, true));
      expect(brief(await store.groupEntries('~g', 0, 10, 10))).toEqual([
        '1 created a,b',
        `2 message ${m.msgId}`,
        `3 recall ${m.msgId}`,
      ]);
      expect(JSON.stringify(await store.groupEntries('~g', 0, 10, 10))).not.toContain('secret');
      expect(await store.getGroup('~g')).toMatchObject({ seqHead: 3 });
      // a sender that left no longer can
      const m4 = await g.send('b', '~g');
      await g.changed('~g', 'b', { op: 'leave' });
      expect(await g.recall('~g', 'b', m4.msgId)).toEqual({ outcome: 'not_found' });
    });
  });
}
