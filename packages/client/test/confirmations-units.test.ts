/** Receipt confirmations without a server: what a batch writes, when, and the fallback for older servers. */
import type { ReceivedThroughFrame, StatusFrame } from '@parley/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Confirmations } from '../src/confirmations.js';
import { ParleyClient } from '../src/index.js';
import { resolveOptions } from '../src/options.js';
import { harness, message } from './inbound-harness.js';

/** A 1:1 message from alice to bob at `seq` of bob's timeline. */
const at = (id: string, seq: number | undefined, extra: object = {}) =>
  message(id, { chatMsg: { ...message(id).chatMsg, ...(seq !== undefined && { seq }) }, ...extra });
/** A message of group `groupId` at `seq` of the group's timeline. */
const inGroup = (groupId: string, id: string, seq: number | undefined) => at(id, seq, { toId: groupId });
const confirm = (toId: string, id: string) => ({
  action: '4',
  fromId: 'bob',
  toId,
  chatMsg: { id, status: 1 },
});
const unknownAction = {
  action: '0',
  toId: 'bob',
  code: 'UNKNOWN_ACTION',
  error: 'unknown action "22"',
  ref: { action: '22' },
};

afterEach(() => {
  vi.useRealTimers();
});

describe('receipt confirmations, batched', () => {
  it('confirms a burst of 1:1 messages with one action 22 through the highest seq, repeats included', () => {
    const h = harness();
    h.deliver(at('MSG000007', 7));
    h.deliver(at('MSG000009', 9));
    h.deliver(at('MSG000008', 8));
    h.deliver(at('MSG000009', 9)); // a repeat: still counted
    h.deliver(at('MSG000010', 10, { store: false })); // transient: never confirmed
    expect(h.events.map((e) => e.event)).toEqual(['message', 'message', 'message', 'duplicate', 'message']);
    expect(h.written).toEqual([]);
    h.flush();
    expect(h.written).toEqual([{ action: '22', fromId: 'bob', seq: 9 }]);
    h.flush();
    expect(h.written).toHaveLength(1); // an empty batch writes nothing
    h.deliver(at('MSG000008', 8)); // replayed again later: a batch of its own
    h.flush();
    expect(h.written).toEqual([
      { action: '22', fromId: 'bob', seq: 9 },
      { action: '22', fromId: 'bob', seq: 8 },
    ]);
  });

  it('confirms a 1:1 message without a usable seq by itself, next to the action 22 of the others', () => {
    const h = harness();
    h.deliver(at('MSG000001', 4));
    h.deliver(at('MSG000002', undefined));
    h.deliver(at('MSG000003', 0));
    h.flush();
    expect(h.written).toEqual([
      { action: '22', fromId: 'bob', seq: 4 },
      confirm('alice', 'MSG000002'),
      confirm('alice', 'MSG000003'),
    ]);
  });

  it('confirms each group once, for its message at the highest position of the batch', () => {
    const h = harness();
    h.deliver(inGroup('~g1', 'MSG000010', 10));
    h.deliver(inGroup('~g2', 'MSG000003', 3));
    h.deliver(inGroup('~g1', 'MSG000012', 12));
    h.deliver(inGroup('~g1', 'MSG000011', 11));
    h.deliver(inGroup('~g1', 'MSG000012', 12)); // a repeat
    h.deliver(inGroup('~g2', 'MSG000099', undefined)); // no position: confirmed by itself
    h.deliver(at('MSG000001', 5));
    h.flush();
    expect(h.written).toEqual([
      { action: '22', fromId: 'bob', seq: 5 },
      confirm('~g1', 'MSG000012'),
      confirm('~g2', 'MSG000003'),
      confirm('~g2', 'MSG000099'),
    ]);
    // group positions never reach the action 22
    expect(h.written.filter((f) => f.action === '22')).toHaveLength(1);
  });

  it('writes a batch confirmDelayMs after its first message, not once per message', () => {
    vi.useFakeTimers();
    const written: (StatusFrame | ReceivedThroughFrame)[] = [];
    const c = new Confirmations({
      userId: 'bob',
      delayMs: 200,
      verdictMs: 5_000,
      write: (frame) => written.push(frame) > 0,
    });
    c.user('alice', 'MSG000001', 1);
    vi.advanceTimersByTime(150);
    c.user('carol', 'MSG000002', 2);
    c.group('~g1', 'MSG000003', 40);
    vi.advanceTimersByTime(49);
    expect(written).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(written).toEqual([{ action: '22', fromId: 'bob', seq: 2 }, confirm('~g1', 'MSG000003')]);
    expect(vi.getTimerCount()).toBe(0);
    c.user('alice', 'MSG000004', 3);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(200);
    expect(written.at(-1)).toEqual({ action: '22', fromId: 'bob', seq: 3 });
  });

  it('forgets the batch when the connection drops; close() writes it at once, unpaced, and stops', () => {
    vi.useFakeTimers();
    const written: [StatusFrame | ReceivedThroughFrame, boolean][] = [];
    const c = new Confirmations({
      userId: 'bob',
      delayMs: 10_000,
      verdictMs: 5_000,
      write: (frame, now) => written.push([frame, now]) > 0,
    });
    c.user('alice', 'MSG000001', 1);
    c.dropped();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(written).toEqual([]);
    c.user('alice', 'MSG000002', 2);
    c.group('~g1', 'MSG000003', 7);
    c.close();
    expect(written).toEqual([
      [{ action: '22', fromId: 'bob', seq: 2 }, true],
      [confirm('~g1', 'MSG000003'), true],
    ]);
    expect(vi.getTimerCount()).toBe(0);
    c.user('alice', 'MSG000004', 3); // closed: nothing more is gathered, no timer
    expect(vi.getTimerCount()).toBe(0);
    c.flush();
    expect(written).toHaveLength(2);
  });
});

describe('action 22 refused', () => {
  it('by an older server (UNKNOWN_ACTION): no error for the app, 1:1 messages confirmed one by one from then on', () => {
    const h = harness();
    void h.request({ action: '15', fromId: 'bob' });
    h.deliver(at('MSG000001', 1));
    h.deliver(at('MSG000002', 2));
    h.flush();
    expect(h.written).toEqual([{ action: '22', fromId: 'bob', seq: 2 }]);
    h.deliver(unknownAction);
    expect(h.events.map((e) => e.event)).toEqual(['message', 'message']);
    expect(h.ctx.requests.size).toBe(1); // no request of the app was failed by it
    // what the refused action 22 stood for goes out in the next batch, message by message
    h.deliver(at('MSG000003', 3, { fromId: 'carol' }));
    h.deliver(inGroup('~g1', 'MSG000005', 8));
    h.deliver(inGroup('~g1', 'MSG000006', 9));
    h.flush();
    expect(h.written.slice(1)).toEqual([
      confirm('alice', 'MSG000001'),
      confirm('alice', 'MSG000002'),
      confirm('carol', 'MSG000003'),
      confirm('~g1', 'MSG000006'), // groups are unchanged: one per group
    ]);
    h.deliver(at('MSG000004', 4));
    h.flush();
    expect(h.written.at(-1)).toEqual(confirm('alice', 'MSG000004'));
    expect(h.written.filter((f) => f.action === '22')).toHaveLength(1);
    h.deliver(unknownAction); // a late refusal of an earlier one changes nothing more
    h.flush();
    expect(h.written).toHaveLength(6);
    expect(h.events.filter((e) => e.event === 'error')).toEqual([]);
  });

  it('every action 22 sent before the refusal arrived is confirmed message by message', () => {
    const h = harness();
    h.deliver(at('MSG000001', 1));
    h.flush();
    h.deliver(at('MSG000002', 2));
    h.flush();
    h.deliver(unknownAction);
    h.deliver(unknownAction);
    h.flush();
    expect(h.written).toEqual([
      { action: '22', fromId: 'bob', seq: 1 },
      { action: '22', fromId: 'bob', seq: 2 },
      confirm('alice', 'MSG000001'),
      confirm('alice', 'MSG000002'),
    ]);
  });

  it('takes a server that let the first action 22 pass verdictMs as knowing it', () => {
    vi.useFakeTimers();
    const h = harness({ verdictMs: 1_000 });
    h.deliver(at('MSG000001', 1));
    h.flush();
    vi.advanceTimersByTime(1_000);
    h.deliver(at('MSG000002', 2));
    h.flush(); // the verdict is in: nothing is kept for a refusal any more
    h.deliver(unknownAction); // (a refusal after all still switches to action 4 for what comes next)
    h.deliver(at('MSG000003', 3));
    h.flush();
    expect(h.written).toEqual([
      { action: '22', fromId: 'bob', seq: 1 },
      { action: '22', fromId: 'bob', seq: 2 },
      confirm('alice', 'MSG000003'),
    ]);
  });

  it('with BAD_REQUEST: an error event, no request failed, and action 22 stays in use', () => {
    const h = harness();
    void h.request({ action: '15', fromId: 'bob' });
    h.deliver(at('MSG000001', 1));
    h.flush();
    h.deliver({
      action: '0',
      toId: 'bob',
      code: 'BAD_REQUEST',
      error: 'seq 1 is past the end of bob’s timeline (0)',
      ref: { action: '22' },
    });
    expect(h.events.map((e) => e.event)).toEqual(['message', 'error']);
    expect(h.events[1]!.payload).toMatchObject({ code: 'BAD_REQUEST', action: '22' });
    expect(h.ctx.requests.size).toBe(1);
    h.deliver(at('MSG000002', 2));
    h.flush();
    expect(h.written).toEqual([
      { action: '22', fromId: 'bob', seq: 1 },
      { action: '22', fromId: 'bob', seq: 2 },
    ]);
  });
});

describe('the confirmDelayMs option', () => {
  const base = { url: 'ws://localhost:1/ws', userId: 'bob', WebSocket };

  it('defaults to 200 ms and takes 0 and fractions', () => {
    expect(resolveOptions(base).confirmDelayMs).toBe(200);
    expect(resolveOptions({ ...base, confirmDelayMs: 0 }).confirmDelayMs).toBe(0);
    expect(resolveOptions({ ...base, confirmDelayMs: 12.5 }).confirmDelayMs).toBe(12.5);
  });

  it('refuses a negative, infinite or non-numeric delay with INVALID_ARGUMENT', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '200' as unknown as number]) {
      expect(() => new ParleyClient({ ...base, confirmDelayMs: bad })).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          message: `confirmDelayMs must be a non-negative finite number, got ${String(bad)}`,
        }),
      );
    }
  });
});
