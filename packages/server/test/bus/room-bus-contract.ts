import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Bus } from '../../src/bus/bus.js';
import type { RoomDelivery } from '../../src/bus/room-bus.js';
import type { BusFactory } from './bus-contract.js';
import { Recorder } from './recorder.js';

interface Node {
  bus: Bus;
  rec: Recorder;
}

/** The room routing every Bus implementation must have; one suite run per implementation. */
export function roomBusContract(name: string, factory: BusFactory): void {
  describe(`Bus contract, rooms: ${name}`, () => {
    const open: Bus[] = [];
    afterEach(async () => {
      for (const bus of open.splice(0)) await bus.close();
    });
    if (factory.cleanup) afterAll(factory.cleanup);

    async function cluster(n: number): Promise<Node[]> {
      const buses = await factory.create(n);
      open.push(...buses);
      const nodes = buses.map((bus) => ({ bus, rec: new Recorder() }));
      for (const node of nodes) await node.bus.start(node.rec);
      return nodes;
    }

    let markers = 0;
    /** Resolves once `receiver` has handled every room frame `via` published before. */
    async function barrier(receiver: Node, via: Node): Promise<void> {
      const room = `!marker-${++markers}`;
      await receiver.bus.subscribeRoom(room);
      via.bus.publishRoom({ roomId: room, frame: 'marker' });
      await receiver.rec.until(() => receiver.rec.ofRoom(room).length > 0, room);
      await receiver.bus.unsubscribeRoom(room);
    }

    const multi = it.skipIf(!factory.multiNode);
    const sender = { connection: 'the sender' };

    it('delivers a room frame to this node while subscribed, handing back what to skip', async () => {
      const [a] = await cluster(1);
      if (!a) throw new Error('no node');
      a.bus.publishRoom({ roomId: '!lobby', frame: 'before' }, sender);
      await a.bus.subscribeRoom('!lobby');
      a.bus.publishRoom({ roomId: '!lobby', seq: 7, frame: 'hello' }, sender);
      a.bus.publishRoom({ roomId: '!other', frame: 'not here' });
      await a.rec.until(() => a.rec.rooms.length > 0, 'a room frame');
      await barrier(a, a);
      expect(a.rec.rooms.filter((r) => !r.d.roomId.startsWith('!marker'))).toEqual([
        { d: { roomId: '!lobby', seq: 7, frame: 'hello' }, skip: sender },
      ]);
      await a.bus.unsubscribeRoom('!lobby');
      a.bus.publishRoom({ roomId: '!lobby', frame: 'after' });
      await barrier(a, a);
      expect(a.rec.ofRoom('!lobby').map((d) => d.frame)).toEqual(['hello']);
    });

    multi(
      'delivers a room frame once to every node subscribed to the room, without the skip elsewhere',
      async () => {
        const [a, b, c] = await cluster(3);
        if (!a || !b || !c) throw new Error('no node');
        await a.bus.subscribeRoom('!lobby');
        await b.bus.subscribeRoom('!lobby');
        b.bus.publishRoom({ roomId: '!lobby', seq: 1, frame: 'from b' }, sender);
        c.bus.publishRoom({ roomId: '!lobby', frame: 'from c' });
        for (const n of [a, b]) await n.rec.until(() => n.rec.ofRoom('!lobby').length >= 2, 'two frames');
        for (const n of [a, b, c]) {
          await barrier(n, b);
          await barrier(n, c);
        }
        const sorted = (n: Node) =>
          n.rec.rooms
            .filter((r) => r.d.roomId === '!lobby')
            .sort((x, y) => x.d.frame.localeCompare(y.d.frame));
        expect(sorted(a)).toEqual([
          { d: { roomId: '!lobby', seq: 1, frame: 'from b' }, skip: undefined },
          { d: { roomId: '!lobby', frame: 'from c' }, skip: undefined },
        ]);
        // the publishing node got its own frame directly, with the skip, and not again from the transport
        expect(sorted(b)).toEqual([
          { d: { roomId: '!lobby', seq: 1, frame: 'from b' }, skip: sender },
          { d: { roomId: '!lobby', frame: 'from c' }, skip: undefined },
        ]);
        expect(c.rec.ofRoom('!lobby')).toEqual([]);
      },
    );

    multi('stops delivering frames from other nodes after unsubscribe', async () => {
      const [a, b] = await cluster(2);
      if (!a || !b) throw new Error('no node');
      await a.bus.subscribeRoom('!lobby');
      await a.bus.unsubscribeRoom('!lobby');
      b.bus.publishRoom({ roomId: '!lobby', frame: 'gone' });
      await barrier(a, b);
      expect(a.rec.ofRoom('!lobby')).toEqual([]);
    });

    const exactly: RoomDelivery[] = [
      { roomId: '!r', seq: 1, frame: '{"action":"3","chatMsg":{"message":"a\\nb"}}' },
      { roomId: '!r', seq: Number.MAX_SAFE_INTEGER, frame: 'line one\nline two\n' },
      { roomId: '!r', frame: '😀 𠀀 \u0000 \t "quoted" \\ 欢迎 \r\n m1 x\n' },
      { roomId: '!r', frame: '' },
    ];
    const inOrder = async (a: Node, publisher: Node) => {
      await a.bus.subscribeRoom('!r');
      const frames = Array.from({ length: 1000 }, (_, i) => ({
        roomId: '!r',
        seq: i + 1,
        frame: `frame ${i}`,
      }));
      for (const d of [...exactly, ...frames]) publisher.bus.publishRoom(d);
      await a.rec.until(() => a.rec.ofRoom('!r').length >= 1004, '1,004 room frames');
      expect(a.rec.ofRoom('!r')).toEqual([...exactly, ...frames]);
    };

    it('carries frames exactly and in publish order (same node)', async () => {
      const [a] = await cluster(1);
      if (!a) throw new Error('no node');
      await inOrder(a, a);
    });

    multi('carries frames exactly and in publish order (from another node)', async () => {
      const [a, b] = await cluster(2);
      if (!a || !b) throw new Error('no node');
      await inOrder(a, b);
    });

    multi(
      'routes a frame published right after subscribeRoom resolves, and keeps rooms apart from users',
      async () => {
        const [a, b] = await cluster(2);
        if (!a || !b) throw new Error('no node');
        const rooms = Array.from({ length: 30 }, (_, i) => `!j${i}`);
        for (const r of rooms) {
          await a.bus.subscribeRoom(r);
          b.bus.publishRoom({ roomId: r, frame: `to ${r}` });
        }
        // a user whose id looks like the room's name is another channel
        await a.bus.join('j0');
        b.bus.publish({ kind: 'transient', userId: 'j0', frame: 'to the user' });
        await a.rec.count('j0', 1);
        await a.rec.until(() => rooms.every((r) => a.rec.ofRoom(r).length === 1), 'a frame in every room');
        expect(a.rec.rooms.map((r) => r.d.frame)).toEqual(rooms.map((r) => `to ${r}`));
        expect(a.rec.got.map((d) => d.frame)).toEqual(['to the user']);
      },
    );
  });
}
