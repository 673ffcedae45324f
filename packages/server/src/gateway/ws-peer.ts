import { CloseCode } from '@parley/protocol';
import { WebSocket } from 'ws';
import type { Peer } from '../core/peer.js';

/**
 * A WebSocket as the core sees it. Sending respects backpressure: a client that lets more than
 * `maxBuffered` bytes pile up unread is a slow consumer and is cut off; what it missed stays stored.
 */
export class WsPeer implements Peer {
  constructor(
    private readonly ws: WebSocket,
    readonly remote: string,
    private readonly maxBuffered: number,
    private readonly onSlow: () => void,
  ) {}

  send(frame: string, done?: (err?: Error) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      done?.(new Error('connection closed'));
      return;
    }
    if (this.ws.bufferedAmount > this.maxBuffered) {
      this.onSlow();
      this.close(CloseCode.SlowConsumer, 'slow consumer: send buffer full');
      done?.(new Error('slow consumer'));
      return;
    }
    this.ws.send(frame, done);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }
}
