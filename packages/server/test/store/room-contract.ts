import { beforeEach, describe, expect, it } from 'vitest';
import type { RoomMessage } from '../../src/store/rooms.js';
import type { NewMessage, Store } from '../../src/store/store.js';

/** The chat room behaviour every Store must have; run over each implementation like the store contract. */
export function describeRoomContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract, rooms: ${name}`, () => {
    let store: Store;
    let t = 1_700_000_000_000;

    beforeEach(async () => {
      store = await makeStore();
      for (const id of ['a', 'b'])
        await store.write([{ kind: 'upsertUser', userId: id, name: id.toUpperCase(), timeMs: 0 }]);
    });

    const reserve = async (userId: string, count = 10, nowMs = t) => {
      const [r] = await store.write([
        { kind: 'reserve', userId, count, nowMs, validFromMs: 0, maxOutstanding: 1_000_000 },
      ]);
      return (r as { ids: number[] }).ids;
    };
    const post = (msgId: number, fromId: string, toId: string, body = `body${msgId}`): NewMessage => ({
      msgId,
      fromId,
      toId,
      type: 0,
      body,
      timeMs: t++,
    });
    const roomAppend = async (m: NewMessage, keep = 100, validFromMs = 0) =>
      (await store.write([{ kind: 'roomAppend', ...m, keep, validFromMs }]))[0];
    const bodies = (ms: RoomMessage[]) => ms.map((m) => m.body);

    it('stores a message with an id reserved for the sender and lists the window oldest first', async () => {
      const ids = await reserve('a', 3);
      const first = await roomAppend(post(ids[0]!, 'a', '!lobby', 'hello'));
      expect(first).toEqual({
        outcome: 'stored',
        message: {
          msgId: ids[0],
          fromId: 'a',
          toId: '!lobby',
          type: 0,
          body: 'hello',
          timeMs: t - 1,
          seq: 1,
        },
      });
      await roomAppend(post(ids[1]!, 'a', '!lobby', 'two'));
      await roomAppend(post(ids[2]!, 'a', '!other', 'elsewhere'));
      expect(await store.roomRecent('!lobby', 10)).toEqual([
        (first as { message: RoomMessage }).message,
        expect.objectContaining({ msgId: ids[1], body: 'two', seq: 2 }),
      ]);
      expect(bodies(await store.roomRecent('!lobby', 1))).toEqual(['two']);
      expect(await store.roomRecent('!nobody', 10)).toEqual([]);
      // a room message is nobody's 1:1 message: no timeline, nothing pending
      expect(await store.pendingMessages('a', 0, 10)).toEqual([]);
      expect(await store.history({ userId: 'a', limit: 10 })).toEqual([]);
    });

    it('keeps only the newest `keep` messages of each room', async () => {
      const ids = await reserve('a', 10);
      for (const [i, id] of ids.slice(0, 7).entries()) await roomAppend(post(id, 'a', '!r', `m${i}`), 3);
      await roomAppend(post(ids[7]!, 'a', '!s', 'other room'), 3);
      expect(bodies(await store.roomRecent('!r', 100))).toEqual(['m4', 'm5', 'm6']);
      expect((await store.roomRecent('!r', 100)).map((m) => m.seq)).toEqual([5, 6, 7]);
      expect(bodies(await store.roomRecent('!s', 100))).toEqual(['other room']);
      // a smaller window later trims at once; a larger one keeps what is there
      await roomAppend(post(ids[8]!, 'a', '!r', 'm7'), 1);
      expect(bodies(await store.roomRecent('!r', 100))).toEqual(['m7']);
      await roomAppend(post(ids[9]!, 'a', '!r', 'm8'), 5);
      expect(bodies(await store.roomRecent('!r', 100))).toEqual(['m7', 'm8']);
    });

    it('takes the reservation as append does: retry, duplicate, bad and expired ids', async () => {
      const [id, other] = await reserve('a', 2);
      const m = post(id!, 'a', '!lobby', 'once');
      const stored = await roomAppend(m);
      expect(stored).toMatchObject({ outcome: 'stored' });
      // the same message again (its ack was lost): the stored one, stored once
      expect(await roomAppend({ ...m, timeMs: t++ })).toEqual({
        outcome: 'retry',
        message: (stored as { message: RoomMessage }).message,
      });
      expect(await store.roomRecent('!lobby', 10)).toHaveLength(1);
      expect(await roomAppend(post(id!, 'a', '!lobby', 'other content'))).toEqual({ outcome: 'duplicate' });
      expect(await roomAppend(post(id!, 'a', '!elsewhere', 'once'))).toEqual({ outcome: 'duplicate' });
      expect(await roomAppend(post(id!, 'b', '!lobby', 'once'))).toEqual({ outcome: 'bad_id' });
      expect(await roomAppend(post(other!, 'b', '!lobby'))).toEqual({ outcome: 'bad_id' }); // a's id
      expect(await roomAppend(post(other! + 1000, 'a', '!lobby'))).toEqual({ outcome: 'bad_id' }); // never issued
      // an id used for a 1:1 message is taken
      const [direct] = await reserve('a', 1);
      await store.write([
        { kind: 'append', ...post(direct!, 'a', 'b', 'dm'), validFromMs: 0, maxPending: 10 },
      ]);
      expect(await roomAppend(post(direct!, 'a', '!lobby', 'dm'))).toEqual({ outcome: 'duplicate' });
      expect(await roomAppend(post(direct!, 'b', '!lobby', 'dm'))).toEqual({ outcome: 'bad_id' });
      // a reservation made before validFromMs has expired, and is gone after the refusal
      const now = 1_800_000_000_000;
      const [old] = await reserve('a', 1, now - 1000);
      expect(await roomAppend(post(old!, 'a', '!lobby'), 100, now - 500)).toEqual({ outcome: 'expired_id' });
      expect(await roomAppend(post(old!, 'a', '!lobby'), 100, 0)).toEqual({ outcome: 'expired_id' });
      expect(bodies(await store.roomRecent('!lobby', 10))).toEqual(['once']);
      // the other id is still a's
      expect(await roomAppend(post(other!, 'a', '!lobby', 'second'))).toMatchObject({ outcome: 'stored' });
    });

    it('answers a retry of a message trimmed out of the window as an expired id', async () => {
      const ids = await reserve('a', 3);
      const first = post(ids[0]!, 'a', '!r', 'first');
      await roomAppend(first, 2);
      await roomAppend(post(ids[1]!, 'a', '!r'), 2);
      await roomAppend(post(ids[2]!, 'a', '!r'), 2);
      expect(await roomAppend(first, 2)).toEqual({ outcome: 'expired_id' });
    });

    it('applies room appends of one batch in order, across rooms, with the other operations', async () => {
      const ids = await reserve('a', 5);
      const results = await store.write([
        { kind: 'roomAppend', ...post(ids[0]!, 'a', '!y', 'y1'), keep: 10, validFromMs: 0 },
        { kind: 'roomAppend', ...post(ids[1]!, 'a', '!x', 'x1'), keep: 10, validFromMs: 0 },
        { kind: 'append', ...post(ids[2]!, 'a', 'b', 'dm'), validFromMs: 0, maxPending: 10 },
        { kind: 'roomAppend', ...post(ids[3]!, 'a', '!y', 'y2'), keep: 10, validFromMs: 0 },
        { kind: 'roomAppend', ...post(ids[0]!, 'a', '!y', 'y1'), keep: 10, validFromMs: 0 },
        { kind: 'roomAppend', ...post(ids[4]!, 'a', '!y', 'y3'), keep: 2, validFromMs: 0 },
      ]);
      expect(results.map((r) => (r as { outcome: string }).outcome)).toEqual([
        'stored',
        'stored',
        'stored',
        'stored',
        'retry',
        'stored',
      ]);
      expect((results[4] as { message: RoomMessage }).message.seq).toBe(1);
      expect(bodies(await store.roomRecent('!y', 10))).toEqual(['y2', 'y3']);
      expect(bodies(await store.roomRecent('!x', 10))).toEqual(['x1']);
      expect((await store.pendingMessages('b', 0, 10)).map((m) => m.body)).toEqual(['dm']);
    });

    it('stores any text exactly, NUL included', async () => {
      const [id] = await reserve('a', 1);
      const body = 'a\u0000b 自定义 \u{1F600}';
      await roomAppend(post(id!, 'a', '!lobby', body));
      expect(bodies(await store.roomRecent('!lobby', 10))).toEqual([body]);
    });
  });
}
