import { createTimeFormatter } from '@parley/protocol';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Bus, Delivery, MessageDelivery } from '../../src/bus/bus.js';
import { deliveryFrame, OwnCopy } from '../../src/core/wire.js';
import type { TimelineEntry } from '../../src/store/store.js';
import { Recorder } from './recorder.js';

export interface BusFactory {
  /** Creates `n` buses, not started yet, that share one cluster (they are nodes of it). */
  create(n: number): Promise<Bus[]>;
  /** Whether `create` can make more than one node; the cases across nodes are skipped otherwise. */
  multiNode: boolean;
  /** Runs once after the suite (e.g. deletes the keys of the run). */
  cleanup?: () => Promise<void>;
}

interface Node {
  bus: Bus;
  rec: Recorder;
}

const transient = (userId: string, frame: string): Delivery => ({ kind: 'transient', userId, frame });

/** The behaviour every Bus implementation must have; one suite run per implementation. */
export function busContract(name: string, factory: BusFactory): void {
  describe(`Bus contract: ${name}`, () => {
    const open: Bus[] = [];
    afterEach(async () => {
      for (const bus of open.splice(0)) await bus.close();
    });
    if (factory.cleanup) afterAll(factory.cleanup);

    /** `n` started nodes of one cluster. */
    async function cluster(n: number): Promise<Node[]> {
      const buses = await factory.create(n);
      open.push(...buses);
      const nodes = buses.map((bus) => ({ bus, rec: new Recorder() }));
      for (const node of nodes) await node.bus.start(node.rec);
      return nodes;
    }

    let markers = 0;
    /**
     * Resolves once `receiver` has handled every frame whose publish Redis (or whatever the
     * transport is) has already taken: `via` publishes a marker to a user joined on `receiver`
     * alone, and a node handles the frames of its subscriptions in the order they were taken.
     */
    async function barrier(receiver: Node, via: Node): Promise<void> {
      const marker = `marker-${++markers}`;
      await receiver.bus.join(marker);
      via.bus.publish(transient(marker, 'marker'));
      await receiver.rec.count(marker, 1);
      await receiver.bus.leave(marker);
    }

    const multi = it.skipIf(!factory.multiNode);

    it('delivers a frame published to a joined user once, on its node', async () => {
      const [a] = await cluster(1);
      if (!a) throw new Error('no node');
      await a.bus.join('u1');
      a.bus.publish(transient('u1', 'hello'));
      await a.rec.count('u1', 1);
      await barrier(a, a);
      expect(a.rec.of('u1')).toEqual([transient('u1', 'hello')]);
    });

    multi('delivers a frame published on another node once, to the node where the user joined', async () => {
      const [a, b] = await cluster(2);
      if (!a || !b) throw new Error('no node');
      await a.bus.join('u1');
      b.bus.publish(transient('u1', 'hello'));
      await a.rec.count('u1', 1);
      await barrier(a, b);
      expect(a.rec.of('u1')).toEqual([transient('u1', 'hello')]);
      expect(b.rec.got).toEqual([]);
    });

    multi('delivers once to each node where a user is joined', async () => {
      const [a, b, c] = await cluster(3);
      if (!a || !b || !c) throw new Error('no node');
      await a.bus.join('u1');
      await b.bus.join('u1');
      c.bus.publish(transient('u1', 'from c'));
      a.bus.publish(transient('u1', 'from a'));
      for (const n of [a, b]) await n.rec.count('u1', 2);
      // both publishes are taken now: whatever else is in flight reaches a and b before the markers
      await barrier(a, c);
      await barrier(b, c);
      for (const n of [a, b]) {
        expect(
          n.rec
            .of('u1')
            .map((d) => d.frame)
            .sort(),
        ).toEqual(['from a', 'from c']);
      }
      expect(c.rec.of('u1')).toEqual([]);
    });

    it('stops delivering after leave', async () => {
      const [a] = await cluster(1);
      if (!a) throw new Error('no node');
      await a.bus.join('u1');
      await a.bus.leave('u1');
      a.bus.publish(transient('u1', 'gone'));
      await barrier(a, a);
      expect(a.rec.of('u1')).toEqual([]);
    });

    multi('stops delivering frames from other nodes after leave', async () => {
      const [a, b] = await cluster(2);
      if (!a || !b) throw new Error('no node');
      await a.bus.join('u1');
      await a.bus.leave('u1');
      b.bus.publish(transient('u1', 'gone'));
      await barrier(a, b);
      expect(a.rec.of('u1')).toEqual([]);
    });

    const inOrder = async (a: Node, publisher: Node) => {
      await a.bus.join('u1');
      const frames = Array.from({ length: 1000 }, (_, i) => `frame ${i}`);
      for (const f of frames) publisher.bus.publish(transient('u1', f));
      await a.rec.count('u1', 1000);
      expect(a.rec.of('u1').map((d) => d.frame)).toEqual(frames);
    };

    it('keeps the publish order of one publisher (1,000 frames, same node)', async () => {
      const [a] = await cluster(1);
      if (!a) throw new Error('no node');
      await inOrder(a, a);
    });

    multi('keeps the publish order of one publisher (1,000 frames, from another node)', async () => {
      const [a, b] = await cluster(2);
      if (!a || !b) throw new Error('no node');
      await inOrder(a, b);
    });

    it('reports a user online after join resolves and offline after leave, on every node', async () => {
      const nodes = await cluster(factory.multiNode ? 3 : 1);
      const [a] = nodes;
      if (!a) throw new Error('no node');
      for (const n of nodes) expect(await n.bus.isOnline('u1')).toBe(false);
      await a.bus.join('u1');
      for (const n of nodes) expect(await n.bus.isOnline('u1')).toBe(true);
      for (const n of nodes) expect(await n.bus.isOnline('nobody')).toBe(false);
      await a.bus.leave('u1');
      for (const n of nodes) expect(await n.bus.isOnline('u1')).toBe(false);
    });

    multi('counts a user online while joined on any node', async () => {
      const [a, b, c] = await cluster(3);
      if (!a || !b || !c) throw new Error('no node');
      await a.bus.join('u1');
      await b.bus.join('u1');
      await a.bus.leave('u1');
      for (const n of [a, b, c]) expect(await n.bus.isOnline('u1')).toBe(true);
      await b.bus.leave('u1');
      for (const n of [a, b, c]) expect(await n.bus.isOnline('u1')).toBe(false);
    });

    const routedOnJoin = async (a: Node, publisher: Node) => {
      const users = Array.from({ length: 50 }, (_, i) => `j${i}`);
      for (const u of users) {
        await a.bus.join(u);
        publisher.bus.publish(transient(u, `to ${u}`));
      }
      for (const u of users) await a.rec.count(u, 1);
      expect(a.rec.got.map((d) => d.frame)).toEqual(users.map((u) => `to ${u}`));
    };

    it('routes a frame published right after join resolves (same node)', async () => {
      const [a] = await cluster(1);
      if (!a) throw new Error('no node');
      await routedOnJoin(a, a);
    });

    multi('routes a frame published right after join resolves (from another node)', async () => {
      const [a, b] = await cluster(2);
      if (!a || !b) throw new Error('no node');
      await routedOnJoin(a, b);
    });

    const kinds: Delivery[] = [
      { kind: 'message', userId: 'u1', seq: 1, frame: '{"action":"3","chatMsg":{"message":"a\\nb"}}' },
      { kind: 'message', userId: 'u1', seq: Number.MAX_SAFE_INTEGER, frame: 'line one\nline two\n' },
      { kind: 'notice', userId: 'u1', noticeId: 0, frame: '{"action":"8"}' },
      { kind: 'notice', userId: 'u1', noticeId: 987654321, frame: '' },
      { kind: 'recall', userId: 'u1', seq: 42, frame: '{"action":"10"}' },
      { kind: 'transient', userId: 'u1', frame: '😀 𠀀 \u0000 \t "quoted" \\ 欢迎 \r\n m1 x\n' },
      { kind: 'transient', userId: 'u1', frame: '' },
      { kind: 'kick', userId: 'u1', code: 4403, frame: 'kicked' },
      { kind: 'kick', userId: 'u1', code: 4401, frame: 'tokens revoked', issuedBefore: 1795312800123 },
    ];
    const roundTrip = async (a: Node, publisher: Node) => {
      await a.bus.join('u1');
      await a.bus.join('user with spaces:and:colons 用户');
      const odd: Delivery = {
        kind: 'notice',
        userId: 'user with spaces:and:colons 用户',
        noticeId: 3,
        frame: 'x',
      };
      for (const d of kinds) publisher.bus.publish(d);
      publisher.bus.publish(odd);
      await a.rec.count('u1', kinds.length);
      await a.rec.count(odd.userId, 1);
      expect(a.rec.of('u1')).toStrictEqual(kinds);
      expect(a.rec.of(odd.userId)).toStrictEqual([odd]);
    };

    it('carries every kind of delivery unchanged (same node)', async () => {
      const [a] = await cluster(1);
      if (!a) throw new Error('no node');
      await roundTrip(a, a);
    });

    multi('carries every kind of delivery unchanged (from another node)', async () => {
      const [a, b] = await cluster(2);
      if (!a || !b) throw new Error('no node');
      await roundTrip(a, b);
    });

    /**
     * The sender's own copy of a message, as the core publishes it: its frame is serialized when
     * first read (a getter), and a bus reads `frame` when it needs it, like any other.
     */
    const lazyRoundTrip = async (a: Node, publisher: Node) => {
      await a.bus.join('u1');
      const m: TimelineEntry = {
        msgId: 42,
        fromId: 'u1',
        toId: 'u2',
        type: 0,
        body: 'sent from another device\n"quoted"',
        status: 1,
        timeMs: 1_795_398_182_714,
        recalled: false,
        seq: 3,
      };
      const time = createTimeFormatter();
      publisher.bus.publish(new OwnCopy('u1', 9, m, time, 'n1.c7'));
      await a.rec.count('u1', 1);
      const got = a.rec.of('u1')[0] as MessageDelivery;
      expect([got.kind, got.userId, got.seq, got.origin, got.frame]).toStrictEqual([
        'message',
        'u1',
        9,
        'n1.c7',
        deliveryFrame(m, time, 9),
      ]);
    };

    it('carries a message whose frame is serialized on first read (same node)', async () => {
      const [a] = await cluster(1);
      if (!a) throw new Error('no node');
      await lazyRoundTrip(a, a);
    });

    multi('carries a message whose frame is serialized on first read (from another node)', async () => {
      const [a, b] = await cluster(2);
      if (!a || !b) throw new Error('no node');
      await lazyRoundTrip(a, b);
    });

    multi('carries a kick to every node where the user is joined, and nowhere else', async () => {
      const [a, b, c] = await cluster(3);
      if (!a || !b || !c) throw new Error('no node');
      await a.bus.join('u1');
      await b.bus.join('u1');
      const kick: Delivery = { kind: 'kick', userId: 'u1', code: 4403, frame: 'kicked' };
      c.bus.publish(kick);
      await a.rec.count('u1', 1);
      await b.rec.count('u1', 1);
      await barrier(a, c);
      await barrier(b, c);
      expect(a.rec.of('u1')).toEqual([kick]);
      expect(b.rec.of('u1')).toEqual([kick]);
      expect(c.rec.got).toEqual([]);
    });

    it('stops delivering on close, and close is idempotent', async () => {
      const [a] = await cluster(1);
      if (!a) throw new Error('no node');
      await a.bus.join('u1');
      await a.bus.close();
      a.bus.publish(transient('u1', 'after close'));
      await a.bus.close();
      expect(a.rec.got).toEqual([]);
    });

    multi('a closed node leaves: no more frames, and its users are offline elsewhere', async () => {
      const [a, b, c] = await cluster(3);
      if (!a || !b || !c) throw new Error('no node');
      await a.bus.join('u1');
      await c.bus.join('u2');
      expect(await b.bus.isOnline('u1')).toBe(true);
      await Promise.all([a.bus.close(), a.bus.close()]);
      b.bus.publish(transient('u1', 'after close'));
      b.bus.publish(transient('u2', 'still here'));
      await c.rec.count('u2', 1);
      expect(await b.bus.isOnline('u1')).toBe(false);
      expect(await c.bus.isOnline('u1')).toBe(false);
      expect(await b.bus.isOnline('u2')).toBe(true);
      expect(a.rec.got).toEqual([]);
    });

    it('never throws from publish, whatever the user, and after close', async () => {
      const [a] = await cluster(1);
      if (!a) throw new Error('no node');
      expect(() => a.bus.publish(transient('nobody', 'x'))).not.toThrow();
      expect(() => a.bus.publish(transient('', ''))).not.toThrow();
      expect(() => a.bus.publish(transient('a\nb c', 'x'.repeat(100_000)))).not.toThrow();
      await a.bus.close();
      expect(() => a.bus.publish(transient('nobody', 'x'))).not.toThrow();
      await a.bus.close();
    });
  });
}
