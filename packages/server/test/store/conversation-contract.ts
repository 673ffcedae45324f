import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationRecord } from '../../src/store/groups.js';
import type { Store, WriteOp } from '../../src/store/store.js';
import { GroupDriver, storedAs } from './group-fixture.js';

/** The conversation list (action 17) every Store must keep, for 1:1 conversations and groups. */
export function describeConversationContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Conversation list contract: ${name}`, () => {
    let g: GroupDriver;
    let store: Store;
    const list = (userId: string) => store.conversations(userId, undefined, 100);
    const readOp = (readerId: string, senderId: string, msgId: number) =>
      ({ kind: 'read', readerId, senderId, msgId, notice: '{}' }) as const;

    beforeEach(async () => {
      store = await makeStore();
      g = await new GroupDriver(store).start();
    });

    it('lists 1:1 conversations and groups, newest first, with the last message and what is unread', async () => {
      const ab1 = await g.send('a', 'b');
      const ab2 = await g.send('a', 'b');
      await g.group('~g', 'c', ['a', 'b']);
      const createdAt = g.t - 1;
      const ca = await g.send('c', 'a');
      const row = (
        id: string,
        name: string,
        unread: number,
        lastMs: number,
        last?: ConversationRecord['last'],
      ) => ({
        id,
        kind: id.startsWith('~') ? 'group' : 'user',
        name,
        unread,
        lastMs,
        last,
      });
      // a group without messages shows when the user joined it
      expect(await list('b')).toEqual([
        row('~g', 'Group ~g', 0, createdAt),
        row('a', 'A', 2, ab2.timeMs, storedAs(ab2)),
      ]);
      // the sender has nothing unread
      expect(await list('a')).toEqual([
        row('c', 'C', 1, ca.timeMs, storedAs(ca)),
        row('~g', 'Group ~g', 0, createdAt),
        row('b', 'B', 0, ab2.timeMs, storedAs(ab2)),
      ]);
      // group messages: unread for the other members, not for the sender
      const g1 = await g.send('c', '~g');
      const g2 = await g.send('a', '~g');
      expect((await list('b'))[0]).toEqual(row('~g', 'Group ~g', 2, g2.timeMs, storedAs(g2)));
      expect((await list('a'))[0]).toEqual(row('~g', 'Group ~g', 0, g2.timeMs, storedAs(g2)));
      expect((await list('c'))[0]).toEqual(row('~g', 'Group ~g', 1, g2.timeMs, storedAs(g2)));
      // reading moves the read position: what came after it stays unread
      expect(await g.write(readOp('b', 'a', ab1.msgId))).toMatchObject({ outcome: 'read' });
      expect((await list('b'))[1]).toMatchObject({ id: 'a', unread: 1 });
      await g.write(readOp('b', 'a', ab2.msgId));
      expect((await list('b'))[1]).toMatchObject({ id: 'a', unread: 0 });
      await g.read('~g', 'b', g1.msgId);
      expect((await list('b'))[0]).toMatchObject({ id: '~g', unread: 1 });
      await g.read('~g', 'b', g2.msgId);
      expect((await list('b'))[0]).toMatchObject({ id: '~g', unread: 0 });
      // sending reads the group
      await g.send('c', '~g');
      expect((await list('c'))[0]).toMatchObject({ id: '~g', unread: 0 });
      // names as they are now
      await g.write({ kind: 'upsertUser', userId: 'a', name: 'Alice', timeMs: g.t });
      await g.changed('~g', 'c', { op: 'rename', name: 'Trip' });
      expect((await list('b')).map((c) => [c.id, c.name])).toEqual([
        ['~g', 'Trip'],
        ['a', 'Alice'],
      ]);
      // a recalled last message shows recalled
      const last = await g.send('a', '~g');
      await g.recall('~g', 'a', last.msgId);
      expect((await list('b'))[0]!.last).toEqual(storedAs(last, true));
      const recall = {
        kind: 'recall',
        userId: 'a',
        peerId: 'b',
        msgId: ab2.msgId,
        notBeforeMs: 0,
        notice: '{}',
      };
      expect(await g.write(recall as never)).toMatchObject({ outcome: 'recalled' });
      expect((await list('b'))[1]!.last).toEqual({ ...storedAs(ab2, true), status: 2 }); // b read it
    });

    it('keeps a note to oneself as a conversation with nothing unread', async () => {
      const n1 = await g.send('a', 'a');
      const n2 = await g.send('a', 'a');
      const note = { id: 'a', kind: 'user', name: 'A', unread: 0, lastMs: n2.timeMs, last: storedAs(n2) };
      expect(await list('a')).toEqual([note]);
      expect(await g.write(readOp('a', 'a', n1.msgId))).toMatchObject({ outcome: 'read' });
      expect(await list('a')).toEqual([note]);
    });

    it("starts a joiner's group row at its join; a parted member's row stays as it was", async () => {
      await g.group('~g', 'a', ['b']);
      await g.send('a', '~g');
      await g.changed('~g', 'a', { op: 'add', members: ['c'] });
      const joinedAt = g.t - 1;
      const row = { id: '~g', kind: 'group', name: 'Group ~g', unread: 0, lastMs: joinedAt, last: undefined };
      expect(await list('c')).toEqual([row]);
      const m = await g.send('b', '~g');
      const after = { ...row, unread: 1, lastMs: m.timeMs, last: storedAs(m) };
      expect(await list('c')).toEqual([after]);
      await g.changed('~g', 'a', { op: 'remove', members: ['c'] });
      await g.send('b', '~g');
      expect(await list('c')).toEqual([after]);
    });

    it('counts unread messages up to 999, and recounts after a read', async () => {
      await g.group('~g', 'a', ['b']);
      const n = 1001;
      const ids = await g.reserve('a', 2 * n);
      const batch = (toId: string, from: number): WriteOp[] =>
        ids
          .slice(from, from + n)
          .map((id) => ({ kind: 'append', ...g.msg(id, 'a', toId), validFromMs: 0, maxPending: 1e6 }));
      await store.write(batch('b', 0));
      await store.write(batch('~g', n));
      const unread = async () => (await list('b')).map((c) => [c.id, c.unread]);
      expect(await unread()).toEqual([
        ['~g', 999],
        ['a', 999],
      ]);
      await g.write(readOp('b', 'a', ids[0]!));
      await g.read('~g', 'b', ids[n]!);
      expect(await unread()).toEqual([
        ['~g', 999],
        ['a', 999],
      ]);
      await g.write(readOp('b', 'a', ids[n - 4]!));
      await g.read('~g', 'b', ids[2 * n - 3]!);
      expect(await unread()).toEqual([
        ['~g', 2],
        ['a', 3],
      ]);
    });

    it('pages by (lastMs, id): every conversation exactly once, newest first, ties by id', async () => {
      // a talks with b..f and is in groups, several conversations at the same instants
      const expected: [string, number][] = [];
      for (const [i, peer] of ['b', 'c', 'd', 'e', 'f'].entries()) {
        const at = [100, 200, 200, 300, 500][i]!;
        await g.send('a', peer, undefined, at);
        expected.push([peer, at]);
      }
      for (const [i, at] of [100, 200, 300, 300, 500, 600, 200].entries()) {
        await g.group(`~g${i}`, 'a', i % 2 === 0 ? ['b'] : [], at);
        expected.push([`~g${i}`, at]);
      }
      await g.send('a', '~g6', undefined, 700);
      expected[expected.length - 1]![1] = 700;
      expected.sort(([x, tx], [y, ty]) => ty - tx || (x < y ? 1 : -1));
      const all = await list('a');
      expect(all.map((c) => [c.id, c.lastMs])).toEqual(expected);
      for (const size of [1, 2, 3, 5]) {
        const seen: string[] = [];
        let page = await store.conversations('a', undefined, size);
        while (page.length > 0) {
          seen.push(...page.map((c) => c.id));
          const last = page.at(-1)!;
          page = await store.conversations('a', { lastMs: last.lastMs, id: last.id }, size);
        }
        expect(seen, `pages of ${size}`).toEqual(expected.map(([id]) => id));
      }
      // b's own list: a and the groups it was put in ('~' sorts after letters)
      expect((await list('b')).map((c) => c.id)).toEqual(['~g6', '~g4', '~g2', '~g0', 'a']);
    });
  });
}
