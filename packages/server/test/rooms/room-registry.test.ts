import { describe, expect, it } from 'vitest';
import type { RoomBus, RoomDelivery } from '../../src/bus/room-bus.js';
import type { Peer } from '../../src/core/peer.js';
import { RoomRegistry } from '../../src/core/rooms/registry.js';

/** A connection that records what it is sent. */
function member(name: string) {
  const sent: string[] = [];
  const peer = { send: (frame: string) => sent.push(frame) } as unknown as Peer;
  return { name, peer, sent };
}
type Member = ReturnType<typeof member>;

/** A bus that records the room calls and lets a test settle subscriptions by hand. */
function recordingBus() {
  const calls: string[] = [];
  const pending: (() => void)[] = [];
  const bus: RoomBus = {
    subscribeRoom: (room) => {
      calls.push(`sub ${room}`);
      return new Promise((resolve) => pending.push(resolve));
    },
    unsubscribeRoom: async (room) => {
      calls.push(`unsub ${room}`);
    },
    publishRoom: (d) => calls.push(`publish ${d.roomId} ${d.frame}`),
  };
  return {
    bus,
    calls,
    settle: () => {
      for (const resolve of pending.splice(0)) resolve();
    },
  };
}

/** Lets the promise callbacks queued so far run. */
const settled = () => new Promise((r) => setImmediate(r));

const msg = (roomId: string, seq: number | undefined, frame: string): RoomDelivery =>
  seq === undefined ? { roomId, frame } : { roomId, seq, frame };

describe('RoomRegistry', () => {
  it('subscribes a room at its first connection here and unsubscribes at its last, in order', async () => {
    const { bus, calls, settle } = recordingBus();
    const rooms = new RoomRegistry<Member>(bus, (err) => {
      throw err;
    });
    const a = member('a');
    const b = member('b');
    const ja = rooms.join(a, '!r', 10)!;
    const jb = rooms.join(b, '!r', 10)!;
    // at once: a frame pipelined behind the join is published to a bus that knows the room
    expect(calls).toEqual(['sub !r']);
    settle();
    await Promise.all([ja.subscribed, jb.subscribed]);
    rooms.leave(a, '!r');
    rooms.leave(a, '!r'); // harmless
    await settled();
    expect(calls).toEqual(['sub !r']);
    rooms.leaveAll(b);
    expect(rooms.memberCount('!r')).toBe(0);
    rooms.join(a, '!r', 10);
    await settled();
    expect(calls).toEqual(['sub !r', 'unsub !r', 'sub !r']);
  });

  it('holds what arrives while a join reads the window, then sends only what the window did not hold', () => {
    const { bus } = recordingBus();
    const rooms = new RoomRegistry<Member>(bus, () => {});
    const a = member('a');
    const b = member('b');
    rooms.join(a, '!r', 10)!.release(0);
    const jb = rooms.join(b, '!r', 10)!;
    rooms.deliver(msg('!r', 4, 'four'), undefined);
    rooms.deliver(msg('!r', undefined, 'typing'), undefined);
    rooms.deliver(msg('!r', 5, 'five'), a);
    expect(a.sent).toEqual(['four', 'typing']);
    expect(b.sent).toEqual([]);
    jb.release(4); // the window went up to 4
    expect(b.sent).toEqual(['typing', 'five']);
    rooms.deliver(msg('!r', 3, 'late copy of three'), undefined);
    rooms.deliver(msg('!r', 6, 'six'), undefined);
    expect(b.sent).toEqual(['typing', 'five', 'six']);
    // a repeated join reads the window again
    const again = rooms.join(b, '!r', 10)!;
    rooms.deliver(msg('!r', 7, 'seven'), undefined);
    rooms.deliver(msg('!r', 8, 'eight'), undefined);
    again.release(7);
    expect(b.sent).toEqual(['typing', 'five', 'six', 'eight']);
    // a join overtaken by a leave sends nothing
    const c = member('c');
    const jc = rooms.join(c, '!r', 10)!;
    rooms.deliver(msg('!r', 9, 'nine'), undefined);
    rooms.leave(c, '!r');
    jc.release(0);
    rooms.deliver(msg('!r', 10, 'ten'), undefined);
    expect(c.sent).toEqual([]);
  });

  it('caps the rooms of a connection and keeps connections and rooms apart', () => {
    const { bus } = recordingBus();
    const rooms = new RoomRegistry<Member>(bus, () => {});
    const a = member('a');
    expect(rooms.join(a, '!1', 2)).toBeDefined();
    expect(rooms.join(a, '!2', 2)).toBeDefined();
    expect(rooms.join(a, '!3', 2)).toBeUndefined();
    expect(rooms.join(a, '!2', 2)).toBeDefined();
    expect(rooms.roomCount(a)).toBe(2);
    expect([rooms.has(a, '!1'), rooms.has(a, '!3'), rooms.has(member('x'), '!1')]).toEqual([
      true,
      false,
      false,
    ]);
    rooms.leaveAll(a);
    expect(rooms.roomCount(a)).toBe(0);
    expect(rooms.join(a, '!3', 2)).toBeDefined();
  });

  it("runs a connection's room replies in order, whatever each waits for", async () => {
    const { bus } = recordingBus();
    const rooms = new RoomRegistry<Member>(bus, () => {});
    const a = member('a');
    const order: string[] = [];
    let open!: () => void;
    const slow = new Promise<void>((r) => {
      open = r;
    });
    const first = rooms.inTurn(a, async () => {
      await slow;
      order.push('first');
    });
    const failing = rooms.inTurn(a, async () => {
      order.push('second');
      throw new Error('boom');
    });
    const third = rooms.inTurn(a, async () => {
      order.push('third');
    });
    open();
    await first;
    await expect(failing).rejects.toThrow('boom');
    await third;
    expect(order).toEqual(['first', 'second', 'third']);
  });
});
