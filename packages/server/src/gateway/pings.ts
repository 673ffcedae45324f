import { randomInt } from 'node:crypto';

/** What a Pings needs of a WebSocket. */
export interface Pingable {
  ping(data: Buffer): void;
}

/** Each half of a nonce is below this: 2^30, the largest range V8 keeps as a small integer. */
const NONCE_HALF = 2 ** 30;

/**
 * The WebSocket pings of one connection, for both of their uses: liveness (the gateway's sweep
 * drops a connection that did not answer) and delivery proof (TCP and WebSocket keep order, so a
 * pong shows the client's stack received every frame sent before its ping).
 *
 * Every ping carries the connection's random nonce and a counter, so each payload is fresh and
 * one pong handler serves both uses: a pong echoing ping `n` answers every ping up to `n` (a client
 * may answer only the latest of several pings, RFC 6455 5.5.3). Pongs that echo no ping of ours
 * (unsolicited, forged, stale) prove nothing.
 */
export class Pings {
  /**
   * The nonce, 60 random bits as two 30-bit halves: small integers live inside the object, where a
   * Buffer would cost about 200 bytes per connection.
   */
  private readonly nonceHigh = randomInt(NONCE_HALF);
  private readonly nonceLow = randomInt(NONCE_HALF);
  /** Number of the last ping sent, and of the last one answered. */
  private sent = 0;
  private answered = 0;
  /** The liveness ping waiting for its answer (0: none). */
  private liveness = 0;
  /** Delivery proofs waiting for their ping's answer, in ping order. */
  private proofs: { n: number; done: () => void }[] | undefined;

  constructor(private readonly ws: Pingable) {}

  /** Sends a ping now; returns its number. */
  private ping(): number {
    const n = ++this.sent;
    const payload = Buffer.allocUnsafe(16);
    payload.writeUInt32BE(this.nonceHigh, 0);
    payload.writeUInt32BE(this.nonceLow, 4);
    payload.writeDoubleBE(n, 8);
    this.ws.ping(payload);
    return n;
  }

  /** Starts a liveness check: `unanswered` holds until a pong answers this ping (or a later one). */
  checkLiveness(): void {
    this.liveness = this.ping();
  }

  /** Forgets the liveness check in progress (the connection's silence is ours: we stopped reading it). */
  clearLiveness(): void {
    this.liveness = 0;
  }

  /** Whether the last liveness ping is still unanswered. */
  get unanswered(): boolean {
    return this.liveness !== 0;
  }

  /**
   * Runs `done` once the client answers a ping sent now, which proves it received every frame
   * written to the connection before this call. Never runs if the connection ends first.
   */
  proveReceived(done: () => void): void {
    if (!this.proofs) this.proofs = [];
    this.proofs.push({ n: this.ping(), done });
  }

  /** Delivery proofs waiting for a pong. */
  get awaitingProof(): number {
    return this.proofs?.length ?? 0;
  }

  /** A pong came: settles every ping up to the one it echoes. */
  pong(data: Buffer): void {
    if (
      data.length !== 16 ||
      data.readUInt32BE(0) !== this.nonceHigh ||
      data.readUInt32BE(4) !== this.nonceLow
    )
      return;
    const n = data.readDoubleBE(8);
    if (!Number.isInteger(n) || n <= this.answered || n > this.sent) return;
    this.answered = n;
    if (this.liveness !== 0 && this.liveness <= n) this.liveness = 0;
    const proofs = this.proofs;
    if (!proofs) return;
    let i = 0;
    while (i < proofs.length && proofs[i]!.n <= n) i++;
    if (i === 0) return;
    for (const p of proofs.splice(0, i)) p.done();
  }

  /** The connection is gone: what was not proven stays unproven. */
  dispose(): void {
    this.proofs = undefined;
    this.liveness = 0;
  }
}
