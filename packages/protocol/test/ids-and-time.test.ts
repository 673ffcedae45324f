import { describe, expect, it } from 'vitest';
import { createTimeFormatter, formatMsgId, isTimeZone, isUserId, parseMsgId } from '../src/index.js';

describe('message ids', () => {
  it('formats MSG and at least six digits', () => {
    expect(formatMsgId(1)).toBe('MSG000001');
    expect(formatMsgId(999_999)).toBe('MSG999999');
    expect(formatMsgId(1_000_000)).toBe('MSG1000000');
  });

  it('parses only canonical ids', () => {
    expect(parseMsgId('MSG000001')).toBe(1);
    expect(parseMsgId('MSG1000000')).toBe(1_000_000);
    for (const bad of [
      'MSG00001',
      'MSG0000001',
      'MSG000000',
      'msg000001',
      'MSG00000a',
      ' MSG000001',
      'MSG9999999999999999',
      '',
    ]) {
      expect(parseMsgId(bad), bad).toBeUndefined();
    }
  });

  it('parses exactly what the definition (MSG and 6 to 15 digits, formatMsgId gives it back) accepts', () => {
    const byDefinition = (id: string): number | undefined => {
      const m = /^MSG(\d{6,15})$/.exec(id);
      if (!m) return undefined;
      const n = Number(m[1]);
      return n >= 1 && Number.isSafeInteger(n) && formatMsgId(n) === id ? n : undefined;
    };
    let seed = 3;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const chars = ['0', '0', '0', '1', '5', '9', 'a', ' ', '-', '.', '١', 'e', '+'];
    const ids = ['MSG999999999999999', 'MSG100000000000000', 'MSG000000000000001', 'MSG1e6000', 'MSG+00001'];
    for (let i = 0; i < 20_000; i++) {
      const length = Math.floor(random() * 20);
      let digits = '';
      for (let k = 0; k < length; k++)
        digits +=
          random() < 0.8 ? String(Math.floor(random() * 10)) : chars[Math.floor(random() * chars.length)];
      const prefix = random() < 0.9 ? 'MSG' : ['msg', 'MS', 'MSGG', ' MSG', ''][Math.floor(random() * 5)];
      ids.push(prefix + digits);
      ids.push(formatMsgId(Math.floor(random() * 10 ** Math.floor(random() * 16))));
    }
    for (const id of ids) expect(parseMsgId(id), id).toBe(byDefinition(id));
  });

  it('accepts seed-like, email-like and UUID user ids only', () => {
    for (const ok of ['HK0001', 'a', 'alice@example.com', '3f2b-11ee_x.y:z+1'])
      expect(isUserId(ok), ok).toBe(true);
    for (const bad of ['', 'a b', 'x'.repeat(65), '张三', 'a/b', 5, null])
      expect(isUserId(bad), String(bad)).toBe(false);
  });
});

describe('time', () => {
  it('formats YYYY-MM-DD HH:mm:ss in the configured zone', () => {
    const ms = Date.UTC(2021, 11, 14, 4, 0, 0);
    expect(createTimeFormatter('UTC')(ms)).toBe('2021-12-14 04:00:00');
    expect(createTimeFormatter('Asia/Shanghai')(ms)).toBe('2021-12-14 12:00:00');
    expect(createTimeFormatter('America/New_York')(ms)).toBe('2021-12-13 23:00:00');
    expect(createTimeFormatter('UTC')(Date.UTC(2024, 0, 1, 0, 0, 0))).toBe('2024-01-01 00:00:00');
  });

  it('knows valid zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
