import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { storeWithUsers } from './write-ops.js';

/**
 * The behaviour every Store must have around users rather than messages: users and ordered
 * contacts, friend requests and their answers, upload quotas. Each implementation runs this suite
 * beside `describeStoreContract`.
 */
export function describeSocialContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract, users and friends: ${name}`, () => {
    let store: Store;
    let t = 1_700_000_000_000;

    beforeEach(async () => {
      store = await storeWithUsers(makeStore);
    });

    const upsertUser = async (userId: string, name: string) =>
      (await store.write([{ kind: 'upsertUser', userId, name, timeMs: t }]))[0];
    const ensureUser = async (userId: string) =>
      (await store.write([{ kind: 'ensureUser', userId, timeMs: t }]))[0];
    const setContacts = async (userId: string, contactIds: string[]) =>
      (await store.write([{ kind: 'setContacts', userId, contactIds }]))[0];

    it('keeps friend requests, answers and removals', async () => {
      const req = (fromId: string, toId: string, message = 'hi') => ({
        kind: 'friendRequest' as const,
        fromId,
        toId,
        message,
        timeMs: t++,
        notice: `req:${fromId}`,
        maxPending: 2,
        rejectedBeforeMs: Number.MAX_SAFE_INTEGER,
      });
      const answer = (responderId: string, requesterId: string, accepted: boolean) => ({
        kind: 'friendResponse' as const,
        responderId,
        requesterId,
        accepted,
        notice: `ans:${responderId}`,
        timeMs: t++,
      });
      expect(await store.write([req('a', 'ghost')])).toEqual([{ outcome: 'unknown_user' }]);
      const [first] = await store.write([req('a', 'b', 'hello')]);
      expect(first).toMatchObject({
        outcome: 'requested',
        request: { fromId: 'a', toId: 'b', message: 'hello' },
      });
      expect(await store.write([req('a', 'b', 'again')])).toEqual([
        { outcome: 'pending', request: (first as { request: unknown }).request },
      ]);
      expect(await store.write([answer('c', 'a', true)])).toEqual([{ outcome: 'not_found' }]);
      expect((await store.write([answer('b', 'a', true)]))[0]).toMatchObject({ outcome: 'answered' });
      expect(await store.write([answer('b', 'a', false)])).toEqual([{ outcome: 'repeat', accepted: true }]);
      expect((await store.getContacts('a')).map((c) => c.toId)).toEqual(['b']);
      expect((await store.getContacts('b')).map((c) => c.toId)).toEqual(['a']);
      expect(await store.write([req('b', 'a')])).toEqual([{ outcome: 'already_friends' }]);
      expect((await store.pendingNotices('b', 0, 10)).map((n) => n.frame)).toEqual(['req:a']);
      expect((await store.pendingNotices('a', 0, 10)).map((n) => n.frame)).toEqual(['ans:b']);
      const unfriend = { kind: 'unfriend' as const, userId: 'b', peerId: 'a', notice: 'bye' };
      expect((await store.write([unfriend]))[0]).toMatchObject({ outcome: 'removed' });
      expect(await store.write([unfriend])).toEqual([{ outcome: 'not_found' }]);
      expect(await store.getContacts('a')).toEqual([]);
      expect(await store.getContacts('b')).toEqual([]);
      expect((await store.write([req('a', 'b')]))[0]).toMatchObject({ outcome: 'requested' });
      // at most maxPending (2) requests wait for an answer at once
      await upsertUser('d', 'D');
      expect((await store.write([req('a', 'c')]))[0]).toMatchObject({ outcome: 'requested' });
      expect(await store.write([req('a', 'd')])).toEqual([{ outcome: 'too_many' }]);
    });

    it('refuses a new friend request while a rejection is recent', async () => {
      const req = (rejectedBeforeMs: number) => ({
        kind: 'friendRequest' as const,
        fromId: 'a',
        toId: 'b',
        message: 'hi',
        timeMs: 5000,
        notice: 'req',
        maxPending: 10,
        rejectedBeforeMs,
      });
      const answer = (accepted: boolean, timeMs: number) => ({
        kind: 'friendResponse' as const,
        responderId: 'b',
        requesterId: 'a',
        accepted,
        notice: 'ans',
        timeMs,
      });
      expect((await store.write([req(0)]))[0]).toMatchObject({ outcome: 'requested' });
      await store.write([answer(false, 4000)]);
      expect(await store.write([req(4000)])).toEqual([{ outcome: 'cooldown', rejectedMs: 4000 }]);
      expect(await store.write([req(0)])).toEqual([{ outcome: 'cooldown', rejectedMs: 4000 }]);
      expect((await store.pendingNotices('b', 0, 10)).map((n) => n.frame)).toEqual(['req']); // nothing new
      expect((await store.write([req(4001)]))[0]).toMatchObject({ outcome: 'requested' });
      await store.write([answer(true, 6000)]);
      expect(await store.write([req(0)])).toEqual([{ outcome: 'already_friends' }]);
    });

    it('charges uploads per owner and day up to a maximum, and refunds', async () => {
      const charge = (owner: string, day: number, bytes: number) =>
        store.write([{ kind: 'chargeUpload', owner, day, bytes, maxBytes: 1000 }]);
      expect(await charge('a', 10, 600)).toEqual([{ charged: true }]);
      expect(await charge('a', 10, 500)).toEqual([{ charged: false }]);
      expect(await charge('ip 127.0.0.1', 10, 1000)).toEqual([{ charged: true }]); // another owner
      expect(await charge('a', 10, 400)).toEqual([{ charged: true }]);
      expect(await charge('a', 10, 1)).toEqual([{ charged: false }]);
      expect(await store.write([{ kind: 'refundUpload', owner: 'a', day: 10, bytes: 300 }])).toEqual([null]);
      expect(await charge('a', 10, 300)).toEqual([{ charged: true }]);
      expect(await charge('a', 11, 1000)).toEqual([{ charged: true }]); // a new day
      expect(await charge('b', 11, 1001)).toEqual([{ charged: false }]);
      // in one batch the second charge sees the first
      const both = await store.write([
        { kind: 'chargeUpload', owner: 'c', day: 11, bytes: 700, maxBytes: 1000 },
        { kind: 'chargeUpload', owner: 'c', day: 11, bytes: 700, maxBytes: 1000 },
      ]);
      expect(both).toEqual([{ charged: true }, { charged: false }]);
    });

    it('keeps users and ordered contacts', async () => {
      expect(await store.getUser('a')).toEqual({ id: 'a', name: 'A' });
      expect(await store.getUser('zz')).toBeUndefined();
      expect(await ensureUser('new')).toEqual({ id: 'new', name: 'new' });
      await upsertUser('new', 'Newt');
      expect(await ensureUser('new')).toEqual({ id: 'new', name: 'Newt' });
      expect((await store.listUsers(undefined, 10)).map((u) => u.id)).toEqual(['a', 'b', 'c', 'new']);
      expect((await store.listUsers('b', 2)).map((u) => u.id)).toEqual(['c', 'new']);
      expect(await setContacts('a', ['c', 'b'])).toEqual({ unknown: [] });
      expect(await store.getContacts('a')).toEqual([
        { toId: 'c', toName: 'C' },
        { toId: 'b', toName: 'B' },
      ]);
      expect(await store.isContact('a', 'b')).toBe(true);
      expect(await store.isContact('b', 'a')).toBe(false); // one-way, as set
      expect(await store.isContact('a', 'ghost')).toBe(false);
      expect(await setContacts('a', ['b', 'ghost'])).toEqual({ unknown: ['ghost'] });
      expect((await store.getContacts('a')).map((c) => c.toId)).toEqual(['c', 'b']);
    });
  });
}
