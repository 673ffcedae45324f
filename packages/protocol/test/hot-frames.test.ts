import { describe, expect, it } from 'vitest';
import { parseHotFrame } from '../src/hot-frames.js';
import { type ParseResult, parseClientFrame, validateClientFrame } from '../src/index.js';

/** The full path alone: JSON.parse, then the schema (what parseClientFrame did before the fast path). */
function fullPath(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'BAD_JSON', error: 'the frame is not valid JSON' };
  }
  return validateClientFrame(value);
}

/** Same result, same fields in the same order (toStrictEqual ignores key order; JSON does not). */
function expectSame(text: string): void {
  const want = fullPath(text);
  const got = parseClientFrame(text);
  expect(got, text).toStrictEqual(want);
  expect(JSON.stringify(got), text).toBe(JSON.stringify(want));
  const hot = parseHotFrame(text);
  if (hot !== undefined) {
    expect(want.ok, `taken by the fast path but refused by the full one: ${text}`).toBe(true);
    expect(JSON.stringify(hot), text).toBe(JSON.stringify(want.ok && want.frame));
  }
}

const message = (chatMsg: string, head = '"fromId":"HK0001","toId":"HK0002"', tail = '') =>
  `{"action":"3",${head},"chatMsg":{${chatMsg}}${tail}}`;
const status = (chatMsg: string, head = '"fromId":"HK0002","toId":"HK0001"') =>
  `{"action":"4",${head},"chatMsg":{${chatMsg}}}`;

/** Frames in the form clients write them: the fast path must take these. */
const canonical = [
  message('"id":"MSG000001","type":0,"message":"hello","status":0'),
  message('"id":"MSG000001","type":1,"message":""'),
  message('"id":"MSG000001","type":2,"message":"x","status":2,"time":"2021-12-14 12:00:00"'),
  message('"id":"MSG000001","type":0,"message":"自定义文本消息 😀","time":""'),
  message('"id":"MSG000001","type":0,"message":"a\\nb \\"q\\" \\\\ \\u00e9 \\ud83d\\ude00 \\/"', undefined),
  message('"id":"MSG000001","type":0,"message":"hi","status":1', undefined, ',"store":false'),
  message('"id":"MSG000001","type":0,"message":"hi"', undefined, ',"store":true'),
  message('"id":"😀 any id of 32 units ........","type":0,"message":"x"'),
  message(
    '"id":"MSG000001","type":0,"message":"x"',
    `"fromId":"${'a'.repeat(64)}","toId":"~${'g'.repeat(63)}"`,
  ),
  message('"id":"MSG000001","type":0,"message":"x"', '"fromId":"u.s_e@r:+-1","toId":"!room"'),
  message(`"id":"MSG000001","type":0,"message":"${'long '.repeat(4000)}"`),
  status('"id":"MSG000001","status":1'),
  status('"id":"MSG000001","status":2'),
  status('"id":"MSG000001","status":1', '"fromId":"bob","toId":"~trip"'),
  '{"action":"2","fromId":"HK0001"}',
  '{"action":"5","fromId":"HK0001"}',
];

/** Frames the fast path must leave to the full path, valid or not. */
const others = [
  // another order, spacing, extra or missing fields, other actions
  '{"fromId":"HK0001","action":"3","toId":"HK0002","chatMsg":{"id":"MSG000001","type":0,"message":"x"}}',
  message('"type":0,"id":"MSG000001","message":"x"'),
  message('"id":"MSG000001","type":0,"message":"x"', '"fromId":"HK0001","toId":"HK0002","store":false'),
  message('"id":"MSG000001","type":0,"message":"x","extra":1'),
  message('"id":"MSG000001","type":0,"message":"x"', undefined, ',"extra":1'),
  message('"id":"MSG000001","type":0'),
  message('"id":"MSG000001","message":"x"'),
  `${message('"id":"MSG000001","type":0,"message":"x"')} `,
  ` ${message('"id":"MSG000001","type":0,"message":"x"')}`,
  message('"id":"MSG000001", "type":0,"message":"x"'),
  '{"action":"3"}',
  '{"action":"3",',
  '{"action":3,"fromId":"a","toId":"b","chatMsg":{"id":"MSG000001","type":0,"message":"x"}}',
  '{"action":"4","fromId":"HK0002","toId":"HK0001","chatMsg":{"status":1,"id":"MSG000001"}}',
  '{"action":"2","fromId":"HK0001","x":1}',
  '{"action":"5","fromId":"HK0001","fromId":"HK0002"}',
  '{"action":"6","fromId":"HK0001","toId":"HK0002","chatMsg":{"id":"MSG000001"}}',
  '{"action":"1","fromId":"HK0001"}',
  '{"action":"12","fromId":"HK0001"}',
  // values the schema refuses
  message('"id":"MSG000001","type":3,"message":"x"'),
  message('"id":"MSG000001","type":0,"message":"x","status":3'),
  message('"id":"MSG000001","type":0,"message":"x","status":-0'),
  message('"id":"MSG000001","type":0,"message":"x","status":1.0'),
  message('"id":"MSG000001","type":0.0,"message":"x"'),
  message('"id":"MSG000001","type":"0","message":"x"'),
  message('"id":"MSG000001","type":0,"message":null'),
  message('"id":"MSG000001","type":0,"message":1'),
  message('"id":"","type":0,"message":"x"'),
  message(`"id":"${'1'.repeat(33)}","type":0,"message":"x"`),
  message(`"id":"MSG000001","type":0,"message":"x","time":"${'t'.repeat(65)}"`),
  message('"id":"MSG000001","type":0,"message":"x","time":null'),
  message('"id":"MSG000001","type":0,"message":"x"', undefined, ',"store":null'),
  message('"id":"MSG000001","type":0,"message":"x"', undefined, ',"store":0'),
  message('"id":"MSG000001","type":0,"message":"x"', '"fromId":"","toId":"HK0002"'),
  message('"id":"MSG000001","type":0,"message":"x"', `"fromId":"${'a'.repeat(65)}","toId":"HK0002"`),
  message('"id":"MSG000001","type":0,"message":"x"', '"fromId":"~grp","toId":"HK0002"'),
  message('"id":"MSG000001","type":0,"message":"x"', '"fromId":"a b","toId":"HK0002"'),
  message('"id":"MSG000001","type":0,"message":"x"', '"fromId":"HK0001","toId":"~"'),
  message('"id":"MSG000001","type":0,"message":"x"', `"fromId":"HK0001","toId":"~${'g'.repeat(64)}"`),
  message('"id":"MSG000001","type":0,"message":"x"', '"fromId":"HK\\u0030001","toId":"HK0002"'),
  status('"id":"MSG000001","status":0'),
  status('"id":"MSG000001","status":1', '"fromId":"bob","toId":"!room"'),
  status('"id":"MSG000001","status":"1"'),
  // escapes and characters: invalid JSON, lone surrogates, control characters
  message('"id":"MSG000001","type":0,"message":"\\ud800"'),
  message('"id":"MSG000001","type":0,"message":"a\\x"'),
  message('"id":"MSG000001","type":0,"message":"a\\u12"'),
  message('"id":"MSG000001","type":0,"message":"a\\'),
  message('"id":"MSG000001","type":0,"message":"tab\there"'),
  message('"id":"MSG000001","type":0,"message":"nl\nhere"'),
  message('"id":"MSG000001","type":0,"message":"\\\u2028"'),
  message('"id":"MSG000001","type":0,"message":"lone \ud800 raw"'),
  message('"id":"MSG\udc00","type":0,"message":"x"'),
  message('"id":"MSG000001","type":0,"message":"x","time":"\ud800"'),
  message('"id":"MSG\\u0030","type":0,"message":"x"'),
  status('"id":"MSG\ud800","status":1'),
  message('"id":"MSG000001","type":0,"message":"unterminated'),
  message('"id":"MSG000001","type":0,"message":"x"}'),
  '',
  '{',
  'null',
  '{"action":"3"',
];

describe('parseHotFrame, the fast path of parseClientFrame', () => {
  it('takes the frames every message costs, as clients write them, with the full path’s result', () => {
    for (const text of canonical) {
      expect(parseHotFrame(text), text).toBeDefined();
      expectSame(text);
    }
  });

  it('leaves every other frame to the full path, errors and texts unchanged', () => {
    for (const text of others) {
      expect(parseHotFrame(text), text).toBeUndefined();
      expectSame(text);
    }
  });

  it('agrees with the full path on 10,000 frames mutated one character at a time', () => {
    let seed = 42;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const alphabet = [
      '"',
      '\\',
      '{',
      '}',
      ',',
      ':',
      ' ',
      '0',
      '1',
      '2',
      '3',
      '9',
      '.',
      '-',
      'a',
      '~',
      '!',
      '\n',
      'é',
      '\ud800',
      '😀',
      'u',
    ];
    const seeds = canonical.filter((t) => t.length < 1000);
    for (let i = 0; i < 10_000; i++) {
      const base = seeds[Math.floor(random() * seeds.length)]!;
      const at = Math.floor(random() * base.length);
      const op = random();
      const c = alphabet[Math.floor(random() * alphabet.length)]!;
      const text =
        op < 0.4
          ? base.slice(0, at) + c + base.slice(at + 1)
          : op < 0.7
            ? base.slice(0, at) + c + base.slice(at)
            : base.slice(0, at) + base.slice(at + 1);
      expectSame(text);
    }
  });
});
