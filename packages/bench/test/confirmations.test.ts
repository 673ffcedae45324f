import type { ClientFrame } from '@parley/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThroughConfirmations } from '../src/load/confirmations.js';
import { CONFIRM_DELAY_MS } from '../src/load/context.js';
import type { Conn } from '../src/load/drivers/driver.js';
import { seqIn } from '../src/load/scan.js';

function fakeConn(withText: boolean): { conn: Conn; sent: (string | ClientFrame)[] } {
  const sent: (string | ClientFrame)[] = [];
  const conn: Conn = {
    send: (f) => sent.push(f),
    close: () => {},
    drop: () => {},
    ...(withText && { sendText: (t: string) => sent.push(t) }),
  };
  return { conn, sent };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the generator confirms through a position, as the SDK does', () => {
  it('reads chatMsg.seq from a delivery, and -1 when there is none', () => {
    const delivery = (rest: string) =>
      `{"action":"3","fromId":"s1","toId":"r1","chatMsg":{"id":"MSG000042","type":0,"message":"1 2 x","status":1${rest}}}`;
    expect(seqIn(delivery(',"seq":1042'))).toBe(1042);
    expect(seqIn(delivery(',"seq":7,"ts":1'))).toBe(7);
    expect(seqIn(delivery(''))).toBe(-1);
    expect(seqIn(delivery(',"seq":null'))).toBe(-1);
  });

  it('sends one action 22 for a burst, at the highest position, after the delay', () => {
    vi.useFakeTimers();
    const { conn, sent } = fakeConn(true);
    const c = new ThroughConfirmations('r1', () => conn);
    for (const seq of [3, 5, 4]) c.received(seq);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(CONFIRM_DELAY_MS);
    expect(sent).toEqual(['{"action":"22","fromId":"r1","seq":5}']);
    expect(JSON.parse(sent[0] as string)).toEqual({ action: '22', fromId: 'r1', seq: 5 });
    c.received(5); // a copy of what was confirmed: nothing new to say
    vi.advanceTimersByTime(CONFIRM_DELAY_MS);
    expect(sent).toHaveLength(1);
  });

  it('numbers deliveries itself when the server does not (the relays), and sends frames without text', () => {
    vi.useFakeTimers();
    const { conn, sent } = fakeConn(false);
    const c = new ThroughConfirmations('r1', () => conn);
    c.received(-1);
    c.received(-1);
    vi.advanceTimersByTime(CONFIRM_DELAY_MS);
    expect(sent).toEqual([{ action: '22', fromId: 'r1', seq: 2 }]);
  });

  it('sends nothing after stop, or once the connection is gone', () => {
    vi.useFakeTimers();
    const { conn, sent } = fakeConn(true);
    let open: Conn | undefined = conn;
    const c = new ThroughConfirmations('r1', () => open);
    c.received(1);
    c.stop();
    vi.advanceTimersByTime(CONFIRM_DELAY_MS * 2);
    c.received(2);
    open = undefined;
    vi.advanceTimersByTime(CONFIRM_DELAY_MS);
    expect(sent).toEqual([]);
  });
});
