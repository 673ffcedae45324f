import { describe, expect, it } from 'vitest';
import { Pings } from '../src/gateway/pings.js';

/** A WebSocket stand-in that records the ping payloads it was asked to send. */
function fakeWs() {
  const sent: Buffer[] = [];
  return { sent, ws: { ping: (data: Buffer) => sent.push(Buffer.from(data)) } };
}

describe('Pings: liveness and delivery proofs on one pong handler', () => {
  it('gives every ping a fresh payload and settles proofs up to the ping a pong echoes', () => {
    const { sent, ws } = fakeWs();
    const pings = new Pings(ws);
    const proven: string[] = [];
    pings.proveReceived(() => proven.push('a'));
    pings.checkLiveness();
    pings.proveReceived(() => proven.push('b'));
    expect(new Set(sent.map((b) => b.toString('hex'))).size).toBe(3);
    expect(pings.unanswered).toBe(true);
    pings.pong(sent[0]!);
    expect(proven).toEqual(['a']);
    expect(pings.unanswered).toBe(true);
    // a client may answer only the latest of several pings: that answers the earlier ones too
    pings.pong(sent[2]!);
    expect(proven).toEqual(['a', 'b']);
    expect(pings.unanswered).toBe(false);
    expect(pings.awaitingProof).toBe(0);
  });

  it('ignores pongs that echo no ping of ours, and stale ones', () => {
    const { sent, ws } = fakeWs();
    const pings = new Pings(ws);
    const other = new Pings(fakeWs().ws);
    let proven = 0;
    pings.checkLiveness();
    pings.proveReceived(() => proven++);
    pings.pong(Buffer.alloc(0)); // unsolicited
    pings.pong(Buffer.alloc(16)); // wrong nonce
    const forged = Buffer.from(sent[1]!);
    forged.writeDoubleBE(99, 8); // a ping never sent
    pings.pong(forged);
    other.pong(sent[1]!); // another connection's ping
    expect(proven).toBe(0);
    expect(pings.unanswered).toBe(true);
    pings.pong(sent[1]!);
    expect(proven).toBe(1);
    pings.pong(sent[1]!); // again: nothing more
    pings.pong(sent[0]!); // an older one: nothing more
    expect(proven).toBe(1);
  });

  it('forgets a liveness check and drops unproven deliveries when the connection goes', () => {
    const { sent, ws } = fakeWs();
    const pings = new Pings(ws);
    let proven = 0;
    pings.checkLiveness();
    pings.clearLiveness();
    expect(pings.unanswered).toBe(false);
    pings.proveReceived(() => proven++);
    pings.dispose();
    pings.pong(sent[1]!);
    expect(proven).toBe(0);
  });
});
