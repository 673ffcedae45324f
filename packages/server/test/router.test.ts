import { describe, expect, it } from 'vitest';
import type { Bus, Delivery } from '../src/bus/bus.js';
import { type Deliverable, Router } from '../src/core/router.js';

class Conn implements Deliverable {
  readonly got: string[] = [];
  constructor(readonly userId: string) {}
  deliver(d: Delivery): void {
    this.got.push(d.frame);
  }
}

/** A bus that only records the joins and leaves the router makes. */
function recordingBus(calls: string[]): Bus {
  return {
    join: async (u: string) => void calls.push(`join ${u}`),
    leave: async (u: string) => void calls.push(`leave ${u}`),
    isOnline: async () => false,
  } as unknown as Bus;
}

const frame = (userId: string, text: string): Delivery => ({ kind: 'transient', userId, frame: text });

describe('Router', () => {
  it('delivers to every connection of a user, joins at the first and leaves at the last', async () => {
    const calls: string[] = [];
    const router = new Router<Conn>(recordingBus(calls));
    const [a1, a2, a3, b] = [new Conn('a'), new Conn('a'), new Conn('a'), new Conn('b')];
    await router.attach('a', a1);
    await router.attach('a', a1); // the same connection twice is once
    router.deliver(frame('a', 'one'));
    await router.attach('a', a2);
    await router.attach('a', a3);
    await router.attach('b', b);
    router.deliver(frame('a', 'three'));
    expect(router.sessionsOf('a').size).toBe(3);
    await router.detach('a', a2);
    await router.detach('a', a2); // not attached any more: nothing happens
    await router.detach('a', b); // another user's connection: nothing happens
    router.deliver(frame('a', 'two'));
    await router.detach('a', a1);
    expect([...router.sessionsOf('a')]).toEqual([a3]);
    router.deliver(frame('a', 'last'));
    expect(calls).toEqual(['join a', 'join b']);
    await router.detach('a', a3);
    router.deliver(frame('a', 'nobody'));
    expect(calls).toEqual(['join a', 'join b', 'leave a']);
    expect(router.sessionsOf('a').size).toBe(0);
    expect(a1.got).toEqual(['one', 'three', 'two']);
    expect(a2.got).toEqual(['three']);
    expect(a3.got).toEqual(['three', 'two', 'last']);
    expect(b.got).toEqual([]);
    expect([...router.all()]).toEqual([b]);
  });
});
