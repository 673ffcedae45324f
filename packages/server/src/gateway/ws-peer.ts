import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Peer } from '../core/peer.js';
import type { Metrics } from '../metrics/metrics.js';
import { Pings } from './pings.js';

export type PauseReason = 'queue' | 'rate';

/** The reasons reading is paused for, one bit each (no Set per connection). */
const PAUSE_BITS: Record<PauseReason, number> = { queue: 1, rate: 2 };

/** What the peers of a gateway share (one object for all of them: nothing per connection). */
export interface WsPeerHost<S extends WebSocket> {
  /** Unsent bytes past which the client is a slow consumer. */
  maxBuffered: number;
  /** Counts the frames sent. */
  metrics: Metrics;
  /** The client was dropped as a slow consumer. */
  slow(ws: S): void;
  /** Action 1 completed on the connection. */
  authenticated(ws: S): void;
}

/**
 * A WebSocket as the core sees it. Sending respects backpressure: a client that lets more than
 * `maxBuffered` bytes pile up unread is a slow consumer and is dropped; what it missed stays stored
 * and pending, so it gets everything at its next connect.
 */
export class WsPeer<S extends WebSocket = WebSocket> implements Peer {
  private corked = false;
  /** Liveness and delivery-proof pings, answered by one pong handler. */
  readonly pings: Pings;
  /** Why reading is paused: the session's queue behind action 1, the gateway's rate shaping. */
  private pausedFor = 0;

  constructor(
    private readonly ws: S,
    /** The client's address and port. */
    readonly remote: string,
    private readonly host: WsPeerHost<S>,
  ) {
    this.pings = new Pings(ws);
  }

  send(frame: string, done?: (err?: Error) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      done?.(new Error('connection closed'));
      return;
    }
    if (this.ws.bufferedAmount > this.host.maxBuffered) {
      // A client that does not read would never read a close frame either: drop the connection.
      this.host.slow(this.ws);
      this.ws.terminate();
      done?.(new Error('slow consumer'));
      return;
    }
    this.batch();
    this.ws.send(frame, done);
    this.host.metrics.frameOut(frame);
  }

  /**
   * Frames sent in the same turn of the event loop (the acks of one group commit, a fan-out) leave
   * in one write: the socket is corked until the pending callbacks of this turn have run.
   */
  private batch(): void {
    if (this.corked) return;
    const socket = (this.ws as unknown as { _socket?: Duplex })._socket;
    if (!socket) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  get highWaterMark(): number {
    return this.host.maxBuffered / 4;
  }

  authenticated(): void {
    this.host.authenticated(this.ws);
  }

  pauseReading(): void {
    this.pause('queue');
  }

  resumeReading(): void {
    this.resume('queue');
  }

  /**
   * Stops reading the socket for `reason` (TCP backpressure); reading resumes once every reason
   * that paused it is lifted, so the session's queue and the rate shaper never undo each other.
   */
  pause(reason: PauseReason): void {
    const bit = PAUSE_BITS[reason];
    if (this.pausedFor & bit) return;
    this.pausedFor |= bit;
    if (this.pausedFor === bit) this.ws.pause();
  }

  resume(reason: PauseReason): void {
    const bit = PAUSE_BITS[reason];
    if (!(this.pausedFor & bit)) return;
    this.pausedFor &= ~bit;
    if (this.pausedFor === 0) this.ws.resume();
  }

  /** Whether reading is paused, for any reason. */
  get readingPaused(): boolean {
    return this.pausedFor !== 0;
  }

  proveReceived(done: () => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.batch(); // the ping leaves in the same write as the frames of this turn
    this.pings.proveReceived(done);
  }

  abort(): void {
    this.ws.terminate();
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }
}
