import { createTimeFormatter } from '@parley/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Outbox, outboxOf } from '../../src/store/outbox.js';
import type { Store, WriteOp } from '../../src/store/store.js';
import { eventCapture } from '../../src/webhooks/capture.js';
import { EVENT_TYPES } from '../../src/webhooks/event-types.js';
import { appendOp, createGroupOp } from './write-ops.js';

/**
 * The webhook outbox every Store must keep: an event is written in the transaction of the change
 * it describes, exactly when that change was made, and is gone with a batch that rolled back.
 */
export function describeOutboxContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Outbox contract: ${name}`, () => {
    let store: Store;
    let outbox: Outbox;
    let t = 1_700_000_000_000;
    /** Batches whose capture throws at this user's presence op (to roll a batch back). */
    const boom = 'boom';

    beforeEach(async () => {
      store = await makeStore();
      outbox = outboxOf(store)!;
      const capture = eventCapture({
        types: new Set(EVENT_TYPES),
        time: createTimeFormatter('UTC'),
        clock: { now: () => t },
      });
      outbox.captureEvents((op, result) => {
        if (op.kind === 'presence' && op.userId === boom) throw new Error('injected failure in the batch');
        return capture(op, result);
      });
      for (const id of ['a', 'b', 'c'])
        await store.write([{ kind: 'upsertUser', userId: id, name: id.toUpperCase(), timeMs: 0 }]);
    });

    const write = async (...ops: WriteOp[]) => store.write(ops);
    const ids = async (userId: string, count = 10) => {
      const [r] = await write({
        kind: 'reserve',
        userId,
        count,
        nowMs: t,
        validFromMs: 0,
        maxOutstanding: 1e6,
      });
      return (r as { ids: number[] }).ids;
    };
    const append = (msgId: number, fromId: string, toId: string, body = `m${msgId}`) =>
      appendOp(msgId, fromId, toId, body, t++);
    /** Undelivered events as `type conv`, oldest first. */
    const pending = async (skip: string[] = []) =>
      (await outbox.outboxPending(100, skip)).map((r) => `${r.type} ${r.conv}`);

    it('writes an event only for an operation that changed something', async () => {
      const [m1, m2] = await ids('a');
      await write(append(m1!, 'a', 'b'));
      await write(append(m1!, 'a', 'b')); // a retry
      await write(append(m2!, 'a', 'nobody')); // refused
      const read = { kind: 'read', readerId: 'b', senderId: 'a', msgId: m1!, notice: '{}' } as const;
      await write(read, read);
      const recall = {
        kind: 'recall',
        userId: 'a',
        peerId: 'b',
        msgId: m1!,
        notBeforeMs: 0,
        notice: '{}',
      } as const;
      await write(recall, recall);
      const request = {
        kind: 'friendRequest',
        fromId: 'c',
        toId: 'a',
        message: 'hi',
        timeMs: t,
        notice: '{}',
        maxPending: 10,
        rejectedBeforeMs: 0,
      } as const;
      await write(request, request);
      const answer = {
        kind: 'friendResponse',
        responderId: 'a',
        requesterId: 'c',
        accepted: true,
        notice: '{}',
        timeMs: t,
      } as const;
      await write(answer, answer);
      const create = createGroupOp('a', ['b'], t);
      await write(create, create);
      const add = {
        kind: 'changeGroup',
        groupId: '~g',
        actorId: 'a',
        change: { op: 'add', members: ['c'] },
        maxMembers: 10,
        timeMs: t,
      } as const;
      await write(add, add); // the second adds nobody
      await write({ kind: 'presence', userId: 'c', online: true, timeMs: t });
      expect(await pending()).toEqual([
        'message.sent a b',
        'message.read a b',
        'message.recalled a b',
        'friend.requested a c',
        'friend.answered a c',
        'group.created ~g',
        'group.joined ~g',
        'user.online user:c',
      ]);
    });

    it('leaves no event, and no change, when the batch rolls back', async () => {
      const [m1, m2] = await ids('a');
      await expect(
        write(append(m1!, 'a', 'b'), { kind: 'presence', userId: boom, online: true, timeMs: t }),
      ).rejects.toThrow(/injected/);
      expect(await store.getMessage(m1!)).toBeUndefined();
      expect(await pending()).toEqual([]);
      await write(append(m2!, 'a', 'b'));
      expect(await store.getMessage(m2!)).toBeDefined();
      expect(await pending()).toEqual(['message.sent a b']);
    });

    it('numbers the events of a batch in op order; marks them delivered; skips conversations; purges by age', async () => {
      const [m1, m2, m3] = await ids('a');
      const before = t;
      await write(append(m1!, 'a', 'b'), append(m2!, 'a', 'c'), append(m3!, 'a', 'b'));
      const rows = await outbox.outboxPending(100, []);
      expect(rows.map((r) => JSON.parse(r.body).data.chatMsg.id)).toEqual(
        [m1, m2, m3].map((id) => `MSG${String(id).padStart(6, '0')}`),
      );
      expect(rows[0]!.id).toBeLessThan(rows[1]!.id);
      expect(rows[1]!.id).toBeLessThan(rows[2]!.id);
      expect(await pending(['a b'])).toEqual(['message.sent a c']);
      expect(await outbox.outboxBacklog()).toBe(3);

      await outbox.outboxDelivered([rows[0]!.id], t);
      expect(await outbox.outboxBacklog()).toBe(2);
      expect((await outbox.outboxPending(100, [])).map((r) => r.id)).toEqual([rows[1]!.id, rows[2]!.id]);

      t += 1000;
      const [m4] = await ids('b');
      await write(append(m4!, 'b', 'c')); // newer than the cut below
      // older than `before + 10`: one delivered, two undelivered; the newest stays
      const newest = (await outbox.outboxPending(100, [])).at(-1)!;
      expect(await outbox.outboxPurge(before + 10, 100)).toEqual({ delivered: 1, undelivered: 2 });
      expect(await pending()).toEqual(['message.sent b c']);
      // bodies as stored now: the purged ones are missing
      expect(await outbox.outboxBodies([rows[0]!.id, rows[2]!.id, newest.id])).toEqual(
        new Map([[newest.id, newest.body]]),
      );
      expect(await outbox.outboxBodies([])).toEqual(new Map());
      expect(await outbox.outboxPurge(before + 10, 100)).toEqual({ delivered: 0, undelivered: 0 });
    });

    it('records nothing while capturing is off', async () => {
      outbox.captureEvents(undefined);
      const [m1] = await ids('a');
      await write(append(m1!, 'a', 'b'), { kind: 'presence', userId: 'a', online: true, timeMs: t });
      expect(await outbox.outboxBacklog()).toBe(0);
    });
  });
}
