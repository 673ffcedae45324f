import { describe, expect, it } from 'vitest';
import {
  decodeOps,
  decodeResults,
  encodeOps,
  encodeResults,
  OpFailure,
} from '../../src/store/sqlite/writer/batch-codec.js';
import type { WriteOp, WriteResult } from '../../src/store/store.js';

const append = (msgId: number, fromId: string, toId: string, extra: object = {}): WriteOp => ({
  kind: 'append',
  msgId,
  fromId,
  toId,
  type: 0,
  body: `body ${msgId}`,
  timeMs: 1_700_000_000_000 + msgId,
  validFromMs: 5,
  maxPending: 100,
  ...extra,
});

const message = (msgId: number, fromId: string, toId: string, seq: number) => ({
  seq,
  msgId,
  fromId,
  toId,
  type: 0 as const,
  body: `body ${msgId}`,
  status: 1,
  timeMs: 1_700_000_000_000 + msgId,
  recalled: false,
});

describe('the writer thread batch codec', () => {
  const ops: WriteOp[] = [
    append(1, 'a', 'b'),
    { kind: 'confirm', userId: 'b', msgId: 1 },
    append(2, 'a', 'a'), // a note to oneself
    append(3, 'a', '~g'), // a group message: travels as an object
    append(4, 'sys', 'b', { asSystem: true }),
    append(5, 'a', 'b'), // a retry: stored earlier with another time
    append(6, 'a', 'nobody'), // refused
    append(7, 'a', 'b'), // stored with a body the op did not carry (must not be rebuilt from the op)
    { kind: 'confirm', userId: 'b', msgId: 99 },
    { kind: 'reserve', userId: 'a', count: 3, nowMs: 1, validFromMs: 0, maxOutstanding: 10 },
    append(11, 'a', 'b', { body: 'd*** it', sentBody: 'darn it' }), // rewritten by a check: keeps what was sent
  ];
  const results: WriteResult[] = [
    { outcome: 'stored', message: message(1, 'a', 'b', 10), senderSeq: 20 },
    { found: true },
    { outcome: 'stored', message: message(2, 'a', 'a', 21), senderSeq: 21 },
    { outcome: 'stored', message: message(3, 'a', '~g', 4), recipients: ['a', 'b'] },
    { outcome: 'stored', message: message(4, 'sys', 'b', 11) },
    { outcome: 'retry', message: { ...message(5, 'a', 'b', 9), timeMs: 1 }, senderSeq: 19 },
    { outcome: 'unknown_user' },
    { outcome: 'stored', message: { ...message(7, 'a', 'b', 12), body: 'other' }, senderSeq: 22 },
    { found: false },
    { outcome: 'reserved', ids: [8, 9, 10] },
    { outcome: 'stored', message: { ...message(11, 'a', 'b', 13), body: 'd*** it' }, senderSeq: 23 },
  ];

  it('gives back every operation as it was', () => {
    expect(decodeOps(encodeOps(ops))).toStrictEqual(ops);
  });

  it('gives back every result as it was, the compact ones rebuilt from their operation', () => {
    const flat = encodeResults(ops, results);
    expect(decodeResults(ops, flat, () => new Error('none failed'))).toStrictEqual(results);
    // the usual ones travel as primitives: no message object for the first append or a confirm
    expect(flat.slice(0, 4)).toEqual([3, 10, 20, 4]);
  });

  it('puts the error of a failed operation in its place', () => {
    const failed = new OpFailure({ name: 'SqliteError', message: 'disk I/O error', code: 'SQLITE_IOERR' });
    const flat = encodeResults(ops.slice(0, 3), [results[0]!, failed, results[2]!]);
    const back = decodeResults(ops.slice(0, 3), flat, (e) =>
      Object.assign(new Error(e.message), { code: e.code }),
    );
    expect(back[0]).toStrictEqual(results[0]);
    expect(back[1]).toBeInstanceOf(Error);
    expect(back[1]).toMatchObject({ message: 'disk I/O error', code: 'SQLITE_IOERR' });
    expect(back[2]).toStrictEqual(results[2]);
  });
});
