import { beforeEach, describe, expect, it } from 'vitest';
import type { NewMessage, Store, TimelineEntry } from '../../src/store/store.js';
import { storeWithUsers } from './write-ops.js';

/**
 * The behaviour every Store must have. Each implementation runs this suite
 * (`describeStoreContract('sqlite', ...)`), so a second backend cannot drift from the first.
 */
export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let t = 1_700_000_000_000;

    beforeEach(async () => {
      store = await storeWithUsers(makeStore);
    });

    const reserveOp = (userId: string, count = 10, nowMs = t, maxOutstanding = 1_000_000) => ({
      kind: 'reserve' as const,
      userId,
      count,
      nowMs,
      validFromMs: 0,
      maxOutstanding,
    });
    /** A message as the timeline of the user who received it has it. */
    const received = async (userId: string, msgId: number) =>
      (await store.inboxSince(userId, 0, 1000)).find((m) => m.msgId === msgId)!;
    const reserve = async (userId: string, count = 10) => {
      const [r] = await store.write([reserveOp(userId, count)]);
      return (r as { ids: number[] }).ids;
    };
    const newMsg = (msgId: number, fromId: string, toId: string, body = `body${msgId}`): NewMessage => ({
      msgId,
      fromId,
      toId,
      type: 0,
      body,
      timeMs: t++,
    });
    const append = async (m: NewMessage, validFromMs = 0, maxPending = 1_000_000) =>
      (await store.write([{ kind: 'append', ...m, validFromMs, maxPending }]))[0];

    it('draws ids from one increasing sequence', async () => {
      const x = await reserve('a');
      const y = await reserve('b', 3);
      expect(x).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(y).toEqual([11, 12, 13]);
    });

    it('appends only with an id reserved for the sender, once', async () => {
      const [id] = await reserve('a');
      expect(await append(newMsg(id!, 'b', 'a'))).toEqual({ outcome: 'bad_id' });
      expect(await append(newMsg(999, 'a', 'b'))).toEqual({ outcome: 'bad_id' });
      expect(await append(newMsg(id!, 'a', 'nobody'))).toEqual({ outcome: 'unknown_user' });
      const stored = await append(newMsg(id!, 'a', 'b'));
      expect(stored).toMatchObject({
        outcome: 'stored',
        message: { msgId: id, fromId: 'a', toId: 'b', status: 1, recalled: false },
      });
      expect(await append(newMsg(id!, 'a', 'b'))).toEqual({
        outcome: 'retry',
        message: (stored as { message: unknown }).message,
        senderSeq: (stored as { senderSeq: number }).senderSeq,
      });
      expect(await append(newMsg(id!, 'a', 'b', 'other'))).toEqual({ outcome: 'duplicate' });
      expect(await append(newMsg(id!, 'a', 'c'))).toEqual({ outcome: 'duplicate' });
      expect(await append(newMsg(id!, 'b', 'a'))).toEqual({ outcome: 'bad_id' });
    });

    it('tells a retry by what was sent: also once recalled, or when a check rewrote the body', async () => {
      const [plain, rewritten, laterRewritten] = await reserve('a', 3);
      const sent = newMsg(plain!, 'a', 'b', 'hello');
      expect(await append(sent)).toMatchObject({ outcome: 'stored' });
      expect(await append({ ...sent, type: 1 })).toEqual({ outcome: 'duplicate' });
      const [recalled] = await store.write([
        { kind: 'recall', userId: 'a', peerId: 'b', msgId: plain!, notBeforeMs: 0, notice: '{}' },
      ]);
      expect(recalled).toMatchObject({ outcome: 'recalled' });
      // the body is gone; what was sent still tells the same message from another one
      expect(await append(sent)).toMatchObject({ outcome: 'retry', message: { body: '', recalled: true } });
      expect(await append({ ...sent, body: '' })).toEqual({ outcome: 'duplicate' });
      expect(await append({ ...sent, body: 'hello!' })).toEqual({ outcome: 'duplicate' });

      // stored as a check rewrote it: a retry is what the sender sent, rewritten again or not
      const checked = { ...newMsg(rewritten!, 'a', 'b', 'd*** it'), sentBody: 'darn it' };
      expect(await append(checked)).toMatchObject({ outcome: 'stored', message: { body: 'd*** it' } });
      expect(await append(checked)).toMatchObject({ outcome: 'retry', message: { body: 'd*** it' } });
      expect(await append(newMsg(rewritten!, 'a', 'b', 'darn it'))).toMatchObject({ outcome: 'retry' });
      expect(await append(newMsg(rewritten!, 'a', 'b', 'd*** it'))).toEqual({ outcome: 'duplicate' });

      // stored as sent, rewritten by the check on the retry
      const first = newMsg(laterRewritten!, 'a', 'b', 'darn it');
      expect(await append(first)).toMatchObject({ outcome: 'stored' });
      expect(await append({ ...first, body: 'd*** it', sentBody: 'darn it' })).toMatchObject({
        outcome: 'retry',
        message: { body: 'darn it' },
      });
      expect(await append({ ...first, body: 'darn it', sentBody: 'other' })).toEqual({
        outcome: 'duplicate',
      });
    });

    it('expires reservations: refuses their ids, drops them, and caps what a user holds', async () => {
      const now = 1_800_000_000_000;
      const [r1] = await store.write([reserveOp('a', 4, now - 1000)]);
      const old = (r1 as { ids: number[] }).ids;
      const [r2] = await store.write([reserveOp('a', 2, now)]);
      const fresh = (r2 as { ids: number[] }).ids;
      // reserved before validFromMs: expired, and the reservation is gone after the refusal
      expect(await append(newMsg(old[0]!, 'a', 'b'), now - 500)).toEqual({ outcome: 'expired_id' });
      expect(await append(newMsg(old[0]!, 'a', 'b'), 0)).toEqual({ outcome: 'expired_id' });
      expect(await append(newMsg(old[1]!, 'a', 'b'), now - 1000)).toMatchObject({ outcome: 'stored' });
      expect(await append(newMsg(fresh[0]!, 'a', 'b'), now)).toMatchObject({ outcome: 'stored' });
      // a reserve drops the user's expired reservations, then counts what it holds
      const cap = (maxOutstanding: number, count = 2) => ({
        ...reserveOp('a', count, now, maxOutstanding),
        validFromMs: now - 500,
      });
      expect(await store.write([cap(2)])).toEqual([{ outcome: 'too_many' }]); // holds fresh[1]
      expect(await append(newMsg(old[2]!, 'a', 'b'), 0)).toEqual({ outcome: 'expired_id' }); // dropped
      expect((await store.write([cap(3)]))[0]).toMatchObject({ outcome: 'reserved' });
      expect(await store.write([cap(3, 1)])).toEqual([{ outcome: 'too_many' }]);
      // another user's ids are still its own, and never issued ids are bad
      const [b1] = await store.write([reserveOp('b', 1, now)]);
      const bId = (b1 as { ids: number[] }).ids[0]!;
      expect(await append(newMsg(bId, 'a', 'b'), 0)).toEqual({ outcome: 'bad_id' });
      expect(await append(newMsg(bId + 100, 'a', 'b'), 0)).toEqual({ outcome: 'bad_id' });
      // the sweep drops expired reservations of anyone, at most `limit` rows per pass: a row is an
      // id (PostgreSQL) or a batch of ids (SQLite); `purged` counts the ids
      await store.write([reserveOp('c', 3, now - 2000)]);
      await store.write([reserveOp('d', 1, now - 2000)]);
      const purge = { kind: 'purgeReservations' as const, expiredBeforeMs: now - 1500, limit: 2 };
      const passes: number[] = [];
      for (let last = -1; last !== 0; ) {
        last = ((await store.write([purge]))[0] as { purged: number }).purged;
        passes.push(last);
      }
      expect([
        [2, 2, 0],
        [4, 0],
      ]).toContainEqual(passes);
      expect(await append(newMsg(bId, 'b', 'a'), now)).toMatchObject({ outcome: 'stored' });
    });

    it('caps the messages pending for one recipient; confirmations make room', async () => {
      const ids = await reserve('a', 6);
      for (const id of ids.slice(0, 3))
        expect(await append(newMsg(id, 'a', 'b'), 0, 3)).toMatchObject({ outcome: 'stored' });
      expect(await append(newMsg(ids[3]!, 'a', 'b'), 0, 3)).toEqual({ outcome: 'recipient_full' });
      expect(await append(newMsg(ids[3]!, 'a', 'c'), 0, 3)).toMatchObject({ outcome: 'stored' }); // id kept
      expect(await append(newMsg(ids[4]!, 'a', 'b'), 0, 3)).toEqual({ outcome: 'recipient_full' });
      await store.write([{ kind: 'confirm', userId: 'b', msgId: ids[0]! }]);
      await store.write([{ kind: 'confirm', userId: 'b', msgId: ids[0]! }]); // twice: counted once
      expect(await append(newMsg(ids[4]!, 'a', 'b'), 0, 3)).toMatchObject({ outcome: 'stored' });
      expect(await append(newMsg(ids[5]!, 'a', 'b'), 0, 3)).toEqual({ outcome: 'recipient_full' });
      const last = await received('b', ids[4]!);
      await store.write([{ kind: 'confirmThrough', userId: 'b', seq: last.seq }]);
      expect(await append(newMsg(ids[5]!, 'a', 'b'), 0, 1)).toMatchObject({ outcome: 'stored' });
      expect(await store.pendingMessages('b', 0, 10)).toHaveLength(1);
    });

    it('applies a batch in order in one call', async () => {
      const results = await store.write([
        reserveOp('a', 2),
        { kind: 'append', ...newMsg(1, 'a', 'b'), validFromMs: 0, maxPending: 100 },
        { kind: 'append', ...newMsg(2, 'a', 'b'), validFromMs: 0, maxPending: 100 },
        { kind: 'append', ...newMsg(2, 'a', 'b', 'changed'), validFromMs: 0, maxPending: 100 },
      ]);
      expect(results.map((r) => (r as { outcome: string }).outcome)).toEqual([
        'reserved',
        'stored',
        'stored',
        'duplicate',
      ]);
    });

    it('keeps messages pending for the recipient until confirmed or read', async () => {
      const ids = await reserve('a', 3);
      for (const id of ids) await append(newMsg(id, 'a', 'b'));
      expect((await store.pendingMessages('b', 0, 10)).map((m) => m.msgId)).toEqual(ids);
      expect(await store.pendingMessages('a', 0, 10)).toEqual([]);
      const page = await store.pendingMessages('b', 0, 2);
      expect((await store.pendingMessages('b', page[1]!.seq, 10)).map((m) => m.msgId)).toEqual([ids[2]]);
      expect(await store.write([{ kind: 'confirm', userId: 'b', msgId: ids[0]! }])).toEqual([
        { found: true },
      ]);
      expect(await store.write([{ kind: 'confirm', userId: 'c', msgId: ids[1]! }])).toEqual([
        { found: false },
      ]);
      expect(await store.write([{ kind: 'confirm', userId: 'b', msgId: 424242 }])).toEqual([
        { found: false },
      ]);
      const read = await store.write([
        { kind: 'read', readerId: 'b', senderId: 'a', msgId: ids[1]!, notice: '{"r":1}' },
      ]);
      expect(read[0]).toMatchObject({ outcome: 'read' });
      expect((await store.pendingMessages('b', 0, 10)).map((m) => m.msgId)).toEqual([ids[2]]);
      expect((await store.getMessage(ids[1]!))?.status).toBe(2);
      const last = await received('b', ids[2]!);
      await store.write([{ kind: 'confirmThrough', userId: 'b', seq: last.seq - 1 }]);
      expect((await store.pendingMessages('b', 0, 10)).map((m) => m.msgId)).toEqual([ids[2]]);
      await store.write([{ kind: 'confirmThrough', userId: 'b', seq: last.seq }]);
      expect(await store.pendingMessages('b', 0, 10)).toEqual([]);
    });

    it("lists a user's timeline after a seq, received and sent: the newest, oldest first, confirmed or not", async () => {
      const ids = await reserve('a', 4);
      for (const id of ids) await append(newMsg(id, 'a', 'b'));
      const [fromB] = await reserve('b', 1);
      await append(newMsg(fromB!, 'b', 'a')); // sent by b: in b's timeline too (for its other devices)
      await store.write([{ kind: 'confirm', userId: 'b', msgId: ids[0]! }]);
      const first = await received('b', ids[0]!);
      expect((await store.inboxSince('b', 0, 10)).map((m) => m.msgId)).toEqual([...ids, fromB]);
      expect((await store.inboxSince('b', first.seq, 10)).map((m) => m.msgId)).toEqual([
        ...ids.slice(1),
        fromB,
      ]);
      expect((await store.inboxSince('b', 0, 2)).map((m) => m.msgId)).toEqual([ids[3], fromB]);
      expect((await store.inboxSince('a', 0, 10)).map((m) => m.msgId)).toEqual([...ids, fromB]);
      // each with the user's own position
      expect((await store.inboxSince('a', 0, 10)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    });

    it('records a read once and queues one notice for the sender', async () => {
      const [id] = await reserve('a', 1);
      await append(newMsg(id!, 'a', 'b'));
      const readOp = {
        kind: 'read' as const,
        readerId: 'b',
        senderId: 'a',
        msgId: id!,
        notice: '{"receipt":1}',
      };
      expect(await store.write([{ ...readOp, readerId: 'a', senderId: 'b' }])).toEqual([
        { outcome: 'not_found' },
      ]);
      expect(await store.write([{ ...readOp, senderId: 'c' }])).toEqual([{ outcome: 'not_found' }]);
      const [first] = await store.write([readOp]);
      expect(first).toMatchObject({ outcome: 'read' });
      expect(await store.write([readOp])).toEqual([{ outcome: 'already' }]);
      const notices = await store.pendingNotices('a', 0, 10);
      expect(notices).toEqual([{ id: (first as { noticeId: number }).noticeId, frame: '{"receipt":1}' }]);
      await store.write([{ kind: 'noticeDone', userId: 'b', noticeId: notices[0]!.id }]); // not b's: no effect
      expect(await store.pendingNotices('a', 0, 10)).toHaveLength(1);
      await store.write([{ kind: 'noticeDone', userId: 'a', noticeId: notices[0]!.id }]);
      expect(await store.pendingNotices('a', 0, 10)).toEqual([]);
    });

    it('pages history per conversation and across conversations, newest first', async () => {
      const ids = await reserve('a', 4);
      const [fromB] = await reserve('b', 1);
      await append(newMsg(ids[0]!, 'a', 'b'));
      await append(newMsg(ids[1]!, 'a', 'c'));
      await append(newMsg(fromB!, 'b', 'a'));
      await append(newMsg(ids[2]!, 'a', 'b'));
      const msgIds = (rows: TimelineEntry[] | 'unknown_base') =>
        (rows as TimelineEntry[]).map((r) => r.msgId);
      expect(msgIds(await store.history({ userId: 'a', limit: 10 }))).toEqual([
        ids[2],
        fromB,
        ids[1],
        ids[0],
      ]);
      expect(msgIds(await store.history({ userId: 'a', peerId: 'b', limit: 10 }))).toEqual([
        ids[2],
        fromB,
        ids[0],
      ]);
      expect(msgIds(await store.history({ userId: 'b', peerId: 'a', limit: 2 }))).toEqual([ids[2], fromB]);
      expect(msgIds(await store.history({ userId: 'a', beforeMsgId: fromB!, limit: 10 }))).toEqual([
        ids[1],
        ids[0],
      ]);
      expect(msgIds(await store.history({ userId: 'c', limit: 10 }))).toEqual([ids[1]]);
      expect(await store.history({ userId: 'c', peerId: 'b', limit: 10 })).toEqual([]);
      // a base that is not in the user's timeline is no cursor
      expect(await store.history({ userId: 'c', beforeMsgId: ids[0]!, limit: 10 })).toBe('unknown_base');
      expect(await store.history({ userId: 'a', beforeMsgId: 99_999, limit: 10 })).toBe('unknown_base');
    });

    it("numbers each user's timeline 1, 2, 3 … and catches a device up on what it received", async () => {
      const fromA = await reserve('a', 3);
      const [fromB] = await reserve('b', 1);
      const stored = [
        await append(newMsg(fromA[0]!, 'a', 'b')),
        await append(newMsg(fromB!, 'b', 'a')),
        await append(newMsg(fromA[1]!, 'a', 'c')),
        await append(newMsg(fromA[2]!, 'a', 'b')),
      ];
      // an append answers with the recipient's position: b got 1 then (after sending 2) 3; c got 1
      expect(stored.map((r) => (r as { message: { seq: number } }).message.seq)).toEqual([1, 2, 1, 3]);
      const seqs = (rows: TimelineEntry[] | 'unknown_base') =>
        (rows as TimelineEntry[]).map((r) => [r.seq, r.msgId]);
      expect(seqs(await store.history({ userId: 'a', limit: 10 }))).toEqual([
        [4, fromA[2]],
        [3, fromA[1]],
        [2, fromB],
        [1, fromA[0]],
      ]);
      expect(seqs(await store.history({ userId: 'b', limit: 10 }))).toEqual([
        [3, fromA[2]],
        [2, fromB],
        [1, fromA[0]],
      ]);
      // since: the user's timeline after the position, received or sent, confirmed or not
      await store.write([{ kind: 'confirm', userId: 'b', msgId: fromA[0]! }]);
      expect((await store.inboxSince('b', 0, 10)).map((m) => [m.seq, m.msgId])).toEqual([
        [1, fromA[0]],
        [2, fromB],
        [3, fromA[2]],
      ]);
      expect((await store.inboxSince('b', 1, 10)).map((m) => m.seq)).toEqual([2, 3]);
      expect((await store.inboxSince('b', 3, 10)).map((m) => m.seq)).toEqual([]);
      expect((await store.pendingMessages('b', 0, 10)).map((m) => m.seq)).toEqual([3]);
      // what a connection missed between two positions: received and sent, oldest first
      expect((await store.receivedBetween('b', 0, 3, 10)).map((m) => [m.seq, m.msgId])).toEqual([
        [1, fromA[0]],
        [2, fromB],
      ]);
      expect((await store.receivedBetween('b', 0, 99, 10)).map((m) => m.seq)).toEqual([1, 2, 3]);
      expect((await store.receivedBetween('b', 1, 3, 10)).map((m) => m.seq)).toEqual([2]);
      expect((await store.receivedBetween('a', 0, 99, 1)).map((m) => m.seq)).toEqual([1]);
      expect(await store.seqHead('a')).toBe(4);
      expect(await store.seqHead('b')).toBe(3);
      expect(await store.seqHead('nobody')).toBe(0);
      // a retry answers with the same position and adds nothing
      const again = await append(newMsg(fromA[2]!, 'a', 'b'));
      expect(again).toMatchObject({ outcome: 'retry', message: { seq: 3 }, senderSeq: 4 });
      expect((await store.inboxSince('b', 0, 10)).map((m) => m.seq)).toEqual([1, 2, 3]);
    });

    it('refuses messages and friend requests from a blocked user, keeping the id, until unblocked', async () => {
      const block = async (blocked: boolean, otherId = 'a') =>
        (await store.write([{ kind: 'block', userId: 'b', otherId, blocked, timeMs: t }]))[0];
      expect(await block(true)).toEqual({ outcome: 'changed' });
      expect(await block(true)).toEqual({ outcome: 'unchanged' });
      expect(await block(true, 'nobody')).toEqual({ outcome: 'unknown_user' });
      expect(await store.isBlocked('b', 'a')).toBe(true);
      expect(await store.isBlocked('a', 'b')).toBe(false);
      expect(await store.blockedUsers('b')).toEqual(['a']);
      const [id, other] = await reserve('a', 2);
      // alone and in a run with another message (the set-based path)
      expect(await append(newMsg(id!, 'a', 'b'))).toEqual({ outcome: 'blocked' });
      const run = await store.write([
        { kind: 'append', ...newMsg(id!, 'a', 'b'), validFromMs: 0, maxPending: 100 },
        { kind: 'append', ...newMsg(other!, 'a', 'c'), validFromMs: 0, maxPending: 100 },
      ]);
      expect(run.map((r) => (r as { outcome: string }).outcome)).toEqual(['blocked', 'stored']);
      const request = {
        kind: 'friendRequest' as const,
        fromId: 'a',
        toId: 'b',
        message: 'hi',
        timeMs: t,
        notice: '{}',
        maxPending: 10,
        rejectedBeforeMs: 0,
      };
      expect(await store.write([request])).toEqual([{ outcome: 'blocked' }]);
      // b can still write to a
      const [fromB] = await reserve('b', 1);
      expect(await append(newMsg(fromB!, 'b', 'a'))).toMatchObject({ outcome: 'stored' });
      expect(await block(false)).toEqual({ outcome: 'changed' });
      expect(await store.blockedUsers('b')).toEqual([]);
      expect(await append(newMsg(id!, 'a', 'b'))).toMatchObject({ outcome: 'stored' });
    });

    it('keeps delivered notices for noticesSince until purged, and no longer counts them as pending', async () => {
      const ids = await reserve('a', 2);
      const noticeIds: number[] = [];
      for (const id of ids) {
        await append(newMsg(id, 'a', 'b'));
        const [r] = await store.write([
          { kind: 'read', readerId: 'b', senderId: 'a', msgId: id, notice: `{"n":${id}}` },
        ]);
        noticeIds.push((r as { noticeId: number }).noticeId);
      }
      await store.write([{ kind: 'noticeDone', userId: 'a', noticeId: noticeIds[0]! }]);
      expect((await store.pendingNotices('a', 0, 10)).map((n) => n.id)).toEqual([noticeIds[1]]);
      expect((await store.noticesSince('a', 0, 10)).map((n) => n.id)).toEqual(noticeIds);
      expect((await store.noticesSince('a', noticeIds[0]!, 10)).map((n) => n.frame)).toEqual([
        `{"n":${ids[1]}}`,
      ]);
      expect((await store.noticesSince('a', 0, 1)).map((n) => n.id)).toEqual([noticeIds[1]]); // the newest
      // a sweep drops delivered notices older than its instant, never pending ones
      expect(
        await store.write([{ kind: 'purgeNotices', doneBeforeMs: Date.now() - 60_000, limit: 10 }]),
      ).toEqual([{ purged: 0 }]);
      expect(
        await store.write([{ kind: 'purgeNotices', doneBeforeMs: Date.now() + 60_000, limit: 10 }]),
      ).toEqual([{ purged: 1 }]);
      expect((await store.noticesSince('a', 0, 10)).map((n) => n.id)).toEqual([noticeIds[1]]);
    });

    it("recalls only the sender's own message to that peer, inside the window, once", async () => {
      const [id] = await reserve('a', 1);
      await append(newMsg(id!, 'a', 'b', 'secret'));
      const sent = (await store.getMessage(id!))!;
      const recall = (userId: string, peerId: string, notBeforeMs = sent.timeMs) => ({
        kind: 'recall' as const,
        userId,
        peerId,
        msgId: id!,
        notBeforeMs,
        notice: '{"recall":1}',
      });
      expect(await store.write([recall('b', 'a')])).toEqual([{ outcome: 'forbidden' }]);
      expect(await store.write([recall('c', 'b')])).toEqual([{ outcome: 'not_found' }]);
      expect(await store.write([recall('a', 'c')])).toEqual([{ outcome: 'not_found' }]);
      expect(await store.write([{ ...recall('a', 'b'), msgId: 9999 }])).toEqual([{ outcome: 'not_found' }]);
      expect(await store.write([recall('a', 'b', sent.timeMs + 1)])).toEqual([{ outcome: 'expired' }]);
      const [done] = await store.write([recall('a', 'b')]);
      expect(done).toMatchObject({ outcome: 'recalled' });
      expect(await store.write([recall('a', 'b')])).toEqual([{ outcome: 'already' }]);
      expect(await store.getMessage(id!)).toMatchObject({ body: '', recalled: true });
      expect(JSON.stringify(await store.history({ userId: 'b', limit: 5 }))).not.toContain('secret');
      expect(await store.pendingMessages('b', 0, 10)).toEqual([]);
      expect(await store.pendingNotices('b', 0, 10)).toEqual([
        { id: (done as { noticeId: number }).noticeId, frame: '{"recall":1}' },
      ]);
    });
  });
}
