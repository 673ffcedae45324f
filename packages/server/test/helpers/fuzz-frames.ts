/** A seeded generator of malformed and hostile frames, for the fuzz test. Deterministic per seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const nasty: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  '',
  ' ',
  '1',
  'MSG000001',
  'MSG',
  '__proto__',
  'constructor',
  '😀',
  '\u0000',
  'x'.repeat(300),
  [],
  [1, 2],
  {},
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
];

/**
 * Valid-looking frames of every action from `me`, aimed at the users carol and dave (never at the
 * alice-bob conversation that the fuzz test checks is left untouched).
 */
function template(r: Rand, me: string): Record<string, unknown> {
  const victim = pick(r, ['carol', 'dave']);
  const id = `MSG${String(Math.floor(r() * 2000) + 1).padStart(6, '0')}`;
  const frames: Record<string, unknown>[] = [
    { action: '1', fromId: me },
    { action: '2', fromId: me },
    {
      action: '3',
      fromId: me,
      toId: victim,
      chatMsg: { id, type: 0, message: 'hi', status: 0, time: '2021-12-14 12:00:00' },
    },
    {
      action: '3',
      fromId: me,
      toId: victim,
      store: false,
      chatMsg: { id: 'PING_1', type: 2, message: '{}' },
    },
    { action: '4', fromId: me, toId: victim, chatMsg: { id, status: 2 } },
    { action: '4', fromId: me, toId: victim, chatMsg: { id, status: 1 } },
    { action: '5', fromId: me },
    { action: '6', fromId: me, toId: victim, chatMsg: { id } },
    { action: '7', fromId: me, toId: victim },
    { action: '8', fromId: me, toId: me, chatMsg: { message: 'friend?' } },
    { action: '9', fromId: me, toId: victim, accepted: true },
    { action: '10', fromId: me, toId: victim },
    { action: '11', fromId: me },
    { action: '12', fromId: me, toId: victim, baseMsgId: id, pageSize: 5 },
    { action: '12', fromId: victim },
    { action: '22', fromId: me, seq: 999_999_999 }, // past the end of any timeline here: always answered
  ];
  return structuredClone(pick(r, frames));
}

/** A nasty value of its own: frames must not share (and so mutate, even into cycles) one object. */
const nastyValue = (r: Rand): unknown => structuredClone(pick(r, nasty));

/** Replaces, deletes or adds one field somewhere in the frame. */
function mutate(r: Rand, frame: Record<string, unknown>): void {
  const target =
    frame.chatMsg && typeof frame.chatMsg === 'object' && r() < 0.5
      ? (frame.chatMsg as Record<string, unknown>)
      : frame;
  const keys = Object.keys(target);
  const roll = r();
  if (roll < 0.4 && keys.length > 0) target[pick(r, keys)] = nastyValue(r);
  else if (roll < 0.6 && keys.length > 0) delete target[pick(r, keys)];
  else if (roll < 0.8)
    target[pick(r, ['__proto__', 'constructor', 'prototype', 'extra', 'action'])] = nastyValue(r);
  else if (frame.action !== '1') frame.fromId = pick(r, ['alice', 'bob', 'carol', 'nobody']);
}

/** One text frame: broken JSON, a non-object, deep nesting, a huge array, or a mutated frame. */
export function hostileFrame(r: Rand, me: string): string {
  const roll = r();
  if (roll < 0.08)
    return pick(r, ['', '{', '{"action":"1",', 'nul', '{"a":1}}', '\u0000', '{"action":"\\ud800"}', '[[[']);
  if (roll < 0.14) return JSON.stringify(pick(r, nasty));
  if (roll < 0.18) {
    const depth = 100 + Math.floor(r() * 5000);
    return `{"action":"5","fromId":"${me}","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  }
  if (roll < 0.2) return `{"action":"11","fromId":"${me}","x":[${'0,'.repeat(5000)}0]}`;
  if (roll < 0.24)
    return `{"action":"3","fromId":"${me}","toId":"alice","chatMsg":{"id":"x","type":0,"message":"\\udc00\\ud800"}}`;
  const frame = template(r, me);
  const mutations = Math.floor(r() * 3);
  for (let i = 0; i < mutations; i++) mutate(r, frame);
  return JSON.stringify(frame);
}
