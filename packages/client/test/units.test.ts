import { describe, expect, it } from 'vitest';
import { Backoff } from '../src/backoff.js';
import { createEnvelope, encodeEnvelope, parseEnvelope } from '../src/envelope.js';
import { IdPool } from '../src/id-pool.js';
import { MemoryOutbox } from '../src/outbox.js';
import { Pacer } from '../src/pacer.js';
import { RequestTable } from '../src/requests.js';
import { SeenIds } from '../src/seen-ids.js';
import { isWellFormed, utf8Length } from '../src/text.js';
import { httpBaseOf } from '../src/transport.js';
import type { InboundFrame } from '../src/types.js';

describe('MIMC envelope', () => {
  it('builds, encodes and parses back, astral-plane text included', () => {
    const env = createEnvelope('TEXT', '欢迎 😀 𠀀', { msgId: 'TEXT_12345', timestamp: 1516763973000 });
    expect(env).toEqual({
      version: 0,
      msgId: 'TEXT_12345',
      type: 'TEXT',
      timestamp: '1516763973000',
      payload: '欢迎 😀 𠀀',
    });
    const text = encodeEnvelope(env);
    expect(text).toBe(
      '{"version":0,"msgId":"TEXT_12345","type":"TEXT","timestamp":"1516763973000","payload":"欢迎 😀 𠀀"}',
    );
    expect(parseEnvelope(text)).toEqual(env);
  });

  it('gives fresh msgIds by default', () => {
    expect(createEnvelope('PING', 'a').msgId).not.toBe(createEnvelope('PING', 'a').msgId);
    expect(createEnvelope('PING', 'a').msgId).toMatch(/^PING_\d+$/);
  });

  it('returns undefined, never throws, for anything that is not an envelope', () => {
    const notEnvelopes: unknown[] = [
      undefined,
      null,
      42,
      {},
      '',
      'hello',
      '{',
      'null',
      '[]',
      '"a string"',
      '123',
      '{"version":0}',
      '{"version":"0","msgId":"a","type":"T","timestamp":"1","payload":"p"}',
      '{"version":0,"msgId":1,"type":"T","timestamp":"1","payload":"p"}',
      '{"version":0,"msgId":"a","type":"T","timestamp":"1","payload":{"x":1}}',
      '{"version":0,"msgId":"a","type":"T","timestamp":null,"payload":"p"}',
      '{"version":0,"msgId":"a","type":"T","payload":"p"}',
      '{"__proto__":{"version":0}}',
    ];
    for (const value of notEnvelopes) expect(parseEnvelope(value), String(value)).toBeUndefined();
  });

  it('accepts a numeric timestamp and ignores extra fields', () => {
    expect(
      parseEnvelope('{"version":1,"msgId":"a","type":"T","timestamp":5,"payload":"p","extra":true}'),
    ).toEqual({ version: 1, msgId: 'a', type: 'T', timestamp: '5', payload: 'p' });
  });
});

describe('backoff with full jitter', () => {
  it('draws from [0, min(max, base * 2^n)) and starts over after reset', () => {
    const top = new Backoff(100, 1000, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(() => top.next())).toEqual([99, 199, 399, 799, 999, 999]);
    top.reset();
    expect(top.next()).toBe(99);
    const bottom = new Backoff(100, 1000, () => 0);
    expect(bottom.next()).toBe(0);
  });

  it('never overflows after many attempts', () => {
    const b = new Backoff(500, 30_000, () => 0.5);
    for (let i = 0; i < 2000; i++) b.next();
    expect(b.next()).toBe(15_000);
  });
});

describe('seen ids', () => {
  it('reports repeats and forgets the least recently seen beyond its capacity', () => {
    const seen = new SeenIds(3);
    expect(['a', 'b', 'c'].map((k) => seen.check(k))).toEqual([false, false, false]);
    expect(seen.check('a')).toBe(true); // a is now the most recent
    expect(seen.check('d')).toBe(false); // evicts b
    expect(seen.size).toBe(3);
    expect(seen.check('a')).toBe(true);
    expect(seen.check('b')).toBe(false);
  });
});

describe('id pool', () => {
  function batches() {
    let next = 1;
    let calls = 0;
    const fetch = async () => {
      calls++;
      return Array.from({ length: 10 }, () => `MSG${String(next++).padStart(6, '0')}`);
    };
    return { fetch, calls: () => calls };
  }

  it('fetches ahead at the low-water mark, one batch at a time', async () => {
    const b = batches();
    const pool = new IdPool(b.fetch, 5);
    const first = await Promise.all([pool.take(), pool.take(), pool.take()]);
    expect(first).toEqual(['MSG000001', 'MSG000002', 'MSG000003']);
    expect(b.calls()).toBe(1);
    const more = [];
    for (let i = 0; i < 3; i++) more.push(await pool.take()); // leaves 4 < 5: a refill starts
    expect(b.calls()).toBe(2);
    await pool.take();
    expect(pool.size).toBeGreaterThanOrEqual(5);
  });

  it('drops pooled ids older than maxAgeMs instead of using them (server reservations expire)', async () => {
    let now = 1_000_000;
    let next = 1;
    const fetch = async () => Array.from({ length: 10 }, () => `MSG${String(next++).padStart(6, '0')}`);
    const pool = new IdPool(fetch, 5, 60_000, () => now);
    expect(await pool.take()).toBe('MSG000001');
    now += 60_001; // the rest of the first batch is stale
    const id = await pool.take();
    expect(Number(id.slice(3))).toBeGreaterThan(10);
  });

  it('fails waiters when a batch cannot be fetched, and recovers on the next take', async () => {
    let fail = true;
    const pool = new IdPool(async () => {
      if (fail) throw new Error('no ids');
      return ['MSG000001'];
    }, 1);
    await expect(pool.take()).rejects.toThrow('no ids');
    fail = false;
    await expect(pool.take()).resolves.toBe('MSG000001');
  });
});

describe('request table', () => {
  const reply = (action: string, n: number) => ({ action, n }) as unknown as InboundFrame;

  it('matches id-less replies FIFO per action and keeps a timed-out slot so replies do not shift', async () => {
    const written: object[] = [];
    const table = new RequestTable((f, onWritten) => {
      written.push(f);
      onWritten();
      return true;
    }, 50);
    const a = table.add(
      { kind: 'fifo', action: '11', frame: { action: '11', fromId: 'x' }, resend: true },
      true,
    );
    const b = table.add(
      { kind: 'fifo', action: '12', frame: { action: '12', fromId: 'x' }, resend: true },
      true,
    );
    await expect(a).rejects.toMatchObject({ code: 'TIMEOUT' });
    const c = table.add(
      { kind: 'fifo', action: '11', frame: { action: '11', fromId: 'x' }, resend: true },
      true,
    );
    // the late reply to `a` goes to a's abandoned slot, not to c
    table.resolve(table.oldestWritten('11')!, reply('11', 1));
    table.resolve(table.oldestWritten('11')!, reply('11', 2));
    expect(await c).toMatchObject({ n: 2 });
    await expect(b).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(written).toHaveLength(3);
  });

  it('rewrites waiting requests in order after a reconnect and fails transient ones', async () => {
    const written: string[] = [];
    let up = true;
    const table = new RequestTable((f, onWritten) => {
      if (!up) return false;
      written.push(f.action);
      onWritten();
      return true;
    }, 5_000);
    const send = {
      action: '3',
      fromId: 'x',
      toId: 'y',
      chatMsg: { id: 'MSG000001', type: 0, message: 'm' },
    } as const;
    const kept = table.add(
      { kind: 'send', action: '3', frame: send, key: '3:MSG000001', resend: true },
      true,
    );
    const ping = table.add({ kind: 'ping', action: '3', frame: send, key: '3:PING_1', resend: false }, true);
    const later = table.add(
      { kind: 'fifo', action: '11', frame: { action: '11', fromId: 'x' }, resend: true },
      false,
    );
    up = false;
    table.disconnected();
    await expect(ping).rejects.toMatchObject({ code: 'DISCONNECTED' });
    up = true;
    table.flush();
    expect(written).toEqual(['3', '3', '3', '11']);
    table.resolve(table.findKey('3:MSG000001')!, reply('4', 0));
    table.resolve(table.oldestWritten('11')!, reply('11', 0));
    await Promise.all([kept, later]);
    expect(table.size).toBe(0);
  });
});

describe('pacer', () => {
  it('writes a burst at once, then paces the rest in order', async () => {
    const sent: string[] = [];
    const pacer = new Pacer(100, 3, (t) => {
      sent.push(t);
      return true;
    });
    const done = new Promise<void>((resolve) => {
      for (let i = 0; i < 6; i++) pacer.write(String(i), i === 5 ? resolve : undefined);
    });
    expect(sent).toEqual(['0', '1', '2']);
    expect(pacer.queued).toBe(3);
    await done;
    expect(sent).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('does not pace at rate 0, and drops the queue on clear', () => {
    const sent: string[] = [];
    const free = new Pacer(0, 0, (t) => sent.push(t) > 0);
    for (let i = 0; i < 100; i++) free.write('x');
    expect(sent).toHaveLength(100);
    const paced = new Pacer(1, 1, () => true);
    paced.write('a');
    paced.write('b');
    expect(paced.queued).toBe(1);
    paced.clear();
    expect(paced.queued).toBe(0);
  });
});

describe('text and urls', () => {
  it('counts UTF-8 bytes like Buffer does', () => {
    for (const s of ['', 'abc', 'é', '中文', '😀', '𠀀', '👩‍👩‍👧', 'a\uD83D', '\uDE00b']) {
      expect(utf8Length(s), s).toBe(Buffer.byteLength(s, 'utf8'));
    }
  });

  it('spots lone surrogates', () => {
    expect(isWellFormed('😀 𠀀 ok')).toBe(true);
    expect(isWellFormed('\uD83D')).toBe(false);
    expect(isWellFormed('\uDE00')).toBe(false);
    expect(isWellFormed('a\uD83Db')).toBe(false);
  });

  it('derives the HTTP base from the WebSocket URL', () => {
    expect(httpBaseOf('ws://127.0.0.1:8080/ws')).toBe('http://127.0.0.1:8080');
    expect(httpBaseOf('wss://chat.example.com/ws/')).toBe('https://chat.example.com');
    expect(httpBaseOf('wss://example.com/parley/ws?x=1')).toBe('https://example.com/parley');
  });

  it('keeps outbox entries in insertion order, as copies', async () => {
    const outbox = new MemoryOutbox();
    const entry = { id: 'MSG000002', fromId: 'a', toId: 'b', type: 0 as const, message: 'x', createdAt: 1 };
    await outbox.put(entry);
    await outbox.put({ ...entry, id: 'MSG000001' });
    entry.message = 'changed';
    expect((await outbox.list()).map((e) => [e.id, e.message])).toEqual([
      ['MSG000002', 'x'],
      ['MSG000001', 'x'],
    ]);
    await outbox.delete('MSG000002');
    expect(outbox.size).toBe(1);
  });
});
