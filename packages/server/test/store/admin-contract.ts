import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { brief, GroupDriver } from './group-fixture.js';

/**
 * What the server API and data retention need of every Store (see admin.ts): token revocations,
 * erasing a user's messages, deleting a user, age-based sweeps and the file catalogue. Each
 * implementation runs this suite, as it runs `describeStoreContract`.
 */
export function describeAdminContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Admin and retention contract: ${name}`, () => {
    let g: GroupDriver;
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
      g = await new GroupDriver(store).start();
    });

    const erase = (userId: string, toId: string, msgId: number, notice = `recall ${msgId}`) =>
      g.write({ kind: 'eraseMessage', userId, toId, msgId, notice, timeMs: g.t++ });

    it('revokes tokens per user, only ever forward, and only of users', async () => {
      expect(await store.tokensValidFrom('a')).toBe(0);
      expect(await g.write({ kind: 'revokeTokens', userId: 'a', validFromMs: 5000 })).toEqual({
        outcome: 'revoked',
        validFromMs: 5000,
      });
      expect(await g.write({ kind: 'revokeTokens', userId: 'a', validFromMs: 4000 })).toEqual({
        outcome: 'revoked',
        validFromMs: 5000,
      });
      expect(await store.tokensValidFrom('a')).toBe(5000);
      expect(await store.tokensValidFrom('b')).toBe(0);
      expect(await g.write({ kind: 'revokeTokens', userId: 'nobody', validFromMs: 1 })).toEqual({
        outcome: 'unknown_user',
      });
      expect(await store.tokensValidFrom('nobody')).toBe(0);
    });

    it("erases the user's own 1:1 message whenever it was sent: emptied, no longer pending, the recipient told", async () => {
      const m = await g.send('a', 'b', 'secret');
      expect(await store.pendingMessages('b', 0, 10)).toHaveLength(1);
      expect(await erase('b', 'a', m.msgId)).toEqual({ outcome: 'not_found' }); // not b's
      expect(await erase('a', 'c', m.msgId)).toEqual({ outcome: 'not_found' }); // not to c
      const r = await erase('a', 'b', m.msgId);
      expect(r).toMatchObject({ outcome: 'erased', toId: 'b' });
      expect(await store.getMessage(m.msgId)).toMatchObject({ body: '', recalled: true });
      expect(await store.pendingMessages('b', 0, 10)).toEqual([]);
      expect(await store.pendingNotices('b', 0, 10)).toEqual([
        { id: (r as { noticeId: number }).noticeId, frame: `recall ${m.msgId}` },
      ]);
      expect(await erase('a', 'b', m.msgId)).toEqual({ outcome: 'already' });
      // the content digest is gone too: the same content under that id is no longer a retry
      const again = await g.append(g.msg(m.msgId, 'a', 'b', 'secret'));
      expect(again).toEqual({ outcome: 'duplicate' });
      // a message recalled before is erased (its digest) without a second notice
      const n = await g.send('a', 'b', 'short');
      await g.write({
        kind: 'recall',
        userId: 'a',
        peerId: 'b',
        msgId: n.msgId,
        notBeforeMs: 0,
        notice: 'r',
      });
      expect(await erase('a', 'b', n.msgId)).toEqual({ outcome: 'already' });
      expect(await g.append(g.msg(n.msgId, 'a', 'b', 'short'))).toEqual({ outcome: 'duplicate' });
    });

    it('erases a group message of a former member with a recall entry for the members of now', async () => {
      await g.group('~g', 'a', ['b', 'c']);
      const m = await g.send('b', '~g', 'mine');
      await g.changed('~g', 'b', { op: 'leave' });
      const r = await erase('b', '~g', m.msgId);
      if (r.outcome !== 'erased_in_group') throw new Error(r.outcome);
      expect(r.entry).toMatchObject({ kind: 'recall', groupId: '~g', seq: 4, message: { msgId: m.msgId } });
      if (r.entry.kind !== 'recall') throw new Error(r.entry.kind);
      expect(r.entry.message).toMatchObject({ body: '', recalled: true });
      expect([...r.recipients].sort()).toEqual(['a', 'c']);
      expect(brief(await store.groupEntries('~g', 0, 10, 10))).toEqual([
        '1 created a,b,c',
        `2 message ${m.msgId}`,
        '3 left b',
        `4 recall ${m.msgId}`,
      ]);
      expect(await erase('b', '~g', m.msgId)).toEqual({ outcome: 'already' });
      expect(await erase('a', '~g', m.msgId)).toEqual({ outcome: 'not_found' });
    });

    it('deletes a user in bounded steps: everything of it, in both directions, and nothing of others', async () => {
      const ab = await g.send('a', 'b');
      const ba = await g.send('b', 'a');
      await g.send('b', 'c');
      await g.send('a', 'a');
      await g.write({ kind: 'setContacts', userId: 'a', contactIds: ['b', 'c'] });
      await g.write({ kind: 'setContacts', userId: 'b', contactIds: ['a', 'c'] });
      const request = (fromId: string, toId: string) =>
        g.write({
          kind: 'friendRequest',
          fromId,
          toId,
          message: 'hi',
          timeMs: g.t++,
          notice: '{}',
          maxPending: 10,
          rejectedBeforeMs: 0,
        });
      await request('a', 'd');
      await request('e', 'a');
      await g.write({ kind: 'block', userId: 'a', otherId: 'd', blocked: true, timeMs: g.t++ });
      await g.write({ kind: 'block', userId: 'e', otherId: 'a', blocked: true, timeMs: g.t++ });
      await g.reserve('a', 5);
      await g.write({ kind: 'chargeUpload', owner: 'a', day: 1, bytes: 10, maxBytes: 100 });
      await g.group('~g', 'c', ['a', 'b']);
      const deleteOp = { kind: 'deleteUser', userId: 'a', timeMs: 77_000, limit: 2 } as const;
      let steps = 0;
      for (;;) {
        const r = await g.write(deleteOp);
        steps++;
        if (r.outcome === 'deleted') break;
        expect(r.outcome).toBe('more');
        expect(steps).toBeLessThan(20);
      }
      expect(steps).toBeGreaterThan(1);
      expect(await g.write(deleteOp)).toEqual({ outcome: 'unknown_user' });
      expect(await store.getUser('a')).toBeUndefined();
      expect(await store.seqHead('a')).toBe(0);
      expect(await store.inboxSince('a', 0, 100)).toEqual([]);
      expect(await store.pendingMessages('a', 0, 100)).toEqual([]);
      expect(await store.conversations('a', undefined, 100)).toEqual([]);
      expect(await store.getContacts('a')).toEqual([]);
      expect(await store.blockedUsers('a')).toEqual([]);
      expect(await store.membershipsOf('a')).toEqual([]);
      // its old tokens stay refused, should the id come back
      expect(await store.tokensValidFrom('a')).toBe(77_000);
      // others: a is out of their lists; their own timelines keep what they sent and received
      expect(await store.getContacts('b')).toEqual([{ toId: 'c', toName: 'C' }]);
      expect(await store.blockedUsers('e')).toEqual([]);
      expect(await store.isBlocked('a', 'd')).toBe(false);
      expect((await store.inboxSince('b', 0, 100)).map((m) => m.msgId)).toEqual(
        expect.arrayContaining([ab.msgId, ba.msgId]),
      );
      // the id is free again: a new user, with an empty timeline, no group and no reservations
      expect(await g.write({ kind: 'ensureUser', userId: 'a', timeMs: g.t++ })).toEqual({
        id: 'a',
        name: 'a',
      });
      expect(await store.seqHead('a')).toBe(0);
      expect(await store.groupsOf('a')).toEqual([]);
      const [id] = await g.reserve('a');
      expect(id).toBeGreaterThan(ab.msgId);
      // and requests to the users it asked before are new ones
      expect(await request('a', 'd')).toMatchObject({ outcome: 'requested' });
    });

    it('expires exactly the messages stored before the cut-off, with their entries, pending rows and group entries', async () => {
      await g.group('~g', 'a', ['b']);
      const t0 = g.t;
      const old1 = await g.send('a', 'b', 'old 1', t0);
      const oldGroup = await g.send('b', '~g', 'old in group', t0 + 1);
      await g.recall('~g', 'b', oldGroup.msgId);
      const old2 = await g.send('b', 'a', 'old 2', t0 + 2);
      const note = await g.send('a', 'a', 'old note', t0 + 3);
      const cut = t0 + 10;
      const newer = await g.send('a', 'b', 'at the cut-off', cut);
      const newGroup = await g.send('a', '~g', 'new in group', cut + 1);
      const expire = (limit: number) => g.write({ kind: 'expireMessages', beforeMs: cut, limit });
      expect(await expire(2)).toEqual({ deleted: 2 });
      expect(await expire(10)).toEqual({ deleted: 2 });
      expect(await expire(10)).toEqual({ deleted: 0 });
      for (const m of [old1, oldGroup, old2, note]) expect(await store.getMessage(m.msgId)).toBeUndefined();
      expect(await store.getMessage(newer.msgId)).toMatchObject({ body: 'at the cut-off' });
      const ids = async (userId: string) => (await store.inboxSince(userId, 0, 100)).map((m) => m.msgId);
      expect(await ids('a')).toEqual([newer.msgId]);
      expect(await ids('b')).toEqual([newer.msgId]);
      expect((await store.pendingMessages('b', 0, 100)).map((m) => m.msgId)).toEqual([newer.msgId]);
      expect(await store.pendingMessages('a', 0, 100)).toEqual([]);
      const history = await store.history({ userId: 'a', peerId: 'b', limit: 10 });
      expect(history).not.toBe('unknown_base');
      expect((history as { msgId: number }[]).map((m) => m.msgId)).toEqual([newer.msgId]);
      // the group keeps its events and newer messages; the old message and its recall are gone
      expect(brief(await store.groupEntries('~g', 0, 100, 100))).toEqual([
        '1 created a,b',
        `4 message ${newGroup.msgId}`,
      ]);
      // a conversation whose last message is gone lists no last message, its activity time stays
      const notes = (await store.conversations('a', undefined, 10)).find((c) => c.id === 'a');
      expect(notes).toMatchObject({ id: 'a', lastMs: t0 + 3, last: undefined });
      // pending counts follow: b can receive up to its cap again
      expect(
        await g.write({
          kind: 'append',
          ...g.msg((await g.reserve('a'))[0]!, 'a', 'b'),
          validFromMs: 0,
          maxPending: 2,
        }),
      ).toMatchObject({ outcome: 'stored' });
    });

    it('expires exactly the pending deliveries stored before the cut-off; history keeps them', async () => {
      const t0 = g.t;
      const old = [await g.send('a', 'b', 'x', t0), await g.send('c', 'b', 'y', t0 + 1)];
      const kept = await g.send('a', 'b', 'z', t0 + 5);
      const expire = (limit: number) => g.write({ kind: 'expirePending', beforeMs: t0 + 5, limit });
      expect(await expire(1)).toEqual({ expired: 1 });
      expect(await expire(5)).toEqual({ expired: 1 });
      expect(await expire(5)).toEqual({ expired: 0 });
      expect((await store.pendingMessages('b', 0, 10)).map((m) => m.msgId)).toEqual([kept.msgId]);
      expect((await store.inboxSince('b', 0, 10)).map((m) => m.msgId)).toEqual(
        [...old, kept].map((m) => m.msgId),
      );
      // the recipient's pending count went down with them
      const full = await g.write({
        kind: 'append',
        ...g.msg((await g.reserve('a'))[0]!, 'a', 'b'),
        validFromMs: 0,
        maxPending: 2,
      });
      expect(full).toMatchObject({ outcome: 'stored' });
    });

    it('catalogues files by owner and age, and says when the last file of a content is dropped', async () => {
      const file = (id: string, owner: string | undefined, sha256: string, createdMs: number) =>
        ({ id, owner, sha256, size: 3, createdMs }) as const;
      for (const f of [
        file('f1', 'a', 'h1', 10),
        file('f2', 'a', 'h2', 20),
        file('f3', 'b', 'h1', 30),
        file('f4', undefined, 'h3', 5),
      ])
        await g.write({ kind: 'recordFile', ...f });
      await g.write({ kind: 'recordFile', ...file('f1', 'c', 'other', 99) }); // once only
      const byId = (files: { id: string }[]) => [...files].sort((x, y) => x.id.localeCompare(y.id));
      expect(byId(await store.filesOf('a', 10))).toEqual([
        file('f1', 'a', 'h1', 10),
        file('f2', 'a', 'h2', 20),
      ]);
      expect(await store.filesOf('a', 1)).toHaveLength(1);
      expect((await store.filesBefore(20, 10)).map((f) => f.id)).toEqual(['f4', 'f1']);
      expect(await store.filesBefore(20, 10)).toContainEqual(file('f4', undefined, 'h3', 5));
      expect(await g.write({ kind: 'dropFiles', ids: ['f1', 'f2', 'nope'] })).toEqual({
        dropped: [
          { id: 'f1', sha256: 'h1', lastOfBlob: false },
          { id: 'f2', sha256: 'h2', lastOfBlob: true },
        ],
      });
      expect(await g.write({ kind: 'dropFiles', ids: ['f3', 'f4', 'f3'] })).toEqual({
        dropped: [
          { id: 'f3', sha256: 'h1', lastOfBlob: true },
          { id: 'f4', sha256: 'h3', lastOfBlob: true },
        ],
      });
      expect(await store.filesOf('a', 10)).toEqual([]);
      expect(await store.filesBefore(1e15, 10)).toEqual([]);
    });
  });
}
