import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Peer } from '../core/peer.js';

export interface WsPeerOptions {
  remote: string;
  /** Unsent bytes past which the client is a slow consumer. */
  maxBuffered: number;
  onSlow: () => void;
  onAuthenticated: (userId: string) => void;
}

/**
 * A WebSocket as the core sees it. Sending respects backpressure: a client that lets more than
 * `maxBuffered` bytes pile up unread is a slow consumer and is dropped; what it missed stays stored
 * and pending, so it gets everything at its next connect.
 */
export class WsPeer implements Peer {
  private corked = false;
  readonly remote: string;

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: WsPeerOptions,
  ) {
    this.remote = opts.remote;
  }

  send(frame: string, done?: (err?: Error) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      done?.(new Error('connection closed'));
      return;
    }
    if (this.ws.bufferedAmount > this.opts.maxBuffered) {
      // A client that does not read would never read a close frame either: drop the connection.
      this.opts.onSlow();
      this.ws.terminate();
      done?.(new Error('slow consumer'));
      return;
    }
    this.batch();
    this.ws.send(frame, done);
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
    return this.opts.maxBuffered / 4;
  }

  authenticated(userId: string): void {
    this.opts.onAuthenticated(userId);
  }

  pauseReading(): void {
    this.ws.pause();
  }

  resumeReading(): void {
    this.ws.resume();
  }

  abort(): void {
    this.ws.terminate();
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }
}
