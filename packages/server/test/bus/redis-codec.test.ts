import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/bus/bus.js';
import { decode, encode, encodeGap } from '../../src/bus/redis/codec.js';

describe('Redis bus codec', () => {
  it('round-trips every kind of delivery, group entries with their stream and origin', () => {
    const deliveries: Delivery[] = [
      { kind: 'message', userId: 'bob', seq: 42, frame: '{"action":"3"}' },
      { kind: 'message', userId: 'bob', seq: 9, stream: '~trip', frame: '{"action":"16"}' },
      { kind: 'message', userId: 'bob', seq: 10, stream: '~trip', origin: 'k3x.7', frame: '{"a":"\nb"}' },
      { kind: 'notice', userId: 'bob', noticeId: 7, frame: '{"action":"4"}' },
      { kind: 'recall', userId: 'bob', seq: 43, frame: '{"action":"6"}' },
      { kind: 'transient', userId: 'bob', frame: '{"action":"3","store":false}' },
      { kind: 'kick', userId: 'bob', code: 4403, frame: 'kicked by the operator' },
      { kind: 'kick', userId: 'bob', code: 4401, frame: 'tokens revoked\n', issuedBefore: 1795312800000 },
    ];
    for (const d of deliveries)
      expect(decode('bob', encode(d, 'node1'))).toEqual({ origin: 'node1', delivery: d });
    expect(decode('bob', encodeGap('node1'))).toEqual({ origin: 'node1', gap: true });
  });

  it('refuses malformed headers instead of guessing', () => {
    for (const bad of [
      'm1',
      'm1 \n{}',
      'mx node\n{}',
      'n1 node ~g\n{}',
      'm1 node ~g c d\n{}',
      't node x\n{}',
      'k node\nx',
      'k44 node\nx',
      'k4403 node 12x\nx',
      'k4403 node 1 2\nx',
      ' node\n{}',
    ]) {
      expect([bad, decode('bob', bad)]).toEqual([bad, undefined]);
    }
  });
});
