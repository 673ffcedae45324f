import { ParleyError } from './errors.js';
import type { InboundFrame, OutboundFrame } from './types.js';

/** How a request is matched to its answer. */
export type RequestKind = 'send' | 'transient' | 'ping' | 'keyed' | 'fifo';

/**
 * A request waiting for its answer. Requests are written in creation order; after a reconnect
 * every one still waiting is written again in that order (unless it is not `resend`able, then it
 * fails with DISCONNECTED). The answer timer runs only while the request is on a live connection.
 */
export interface PendingRequest {
  readonly kind: RequestKind;
  readonly action: string;
  readonly frame: OutboundFrame;
  /** For keyed answers: `3:<msg id>` for messages and pings, `6:<msg id>`, `8:<user>`... */
  readonly key: string | undefined;
  readonly resend: boolean;
  /**
   * Not idempotent (creating a group, leaving it): resent after a reconnect only if it never
   * reached a socket; once it did, a lost connection fails it with DISCONNECTED (outcome unknown).
   */
  readonly once: boolean;
  /** When the frame was last written, while it waits on the current connection. */
  writtenAt: number | undefined;
  /** The order of the last write among all requests: the server answers in that order. */
  writeSeq: number;
  /** The frame reached the socket since it was last (re)queued. */
  reachedSocket: boolean;
  /** Timed out: the caller was told, but the slot stays until its answer (or the connection) goes. */
  abandoned: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  resolve(frame: InboundFrame): void;
  reject(err: ParleyError): void;
  /** Called once when the request times out, after `reject`. */
  onTimeout?: () => void;
}

export interface RequestInit {
  kind: RequestKind;
  action: string;
  frame: OutboundFrame;
  key?: string;
  resend: boolean;
  /** See `PendingRequest.once`. */
  once?: boolean;
  onTimeout?: () => void;
}

/** The table of requests in flight, and the rules that match answers to them. */
export class RequestTable {
  private pending: PendingRequest[] = [];
  private closedWith: ParleyError | undefined;
  private writes = 0;

  constructor(
    private readonly write: (frame: OutboundFrame, onWritten: () => void) => boolean,
    private readonly timeoutMs: number,
  ) {}

  /** Registers a request; it is written now if the connection is ready, else at the next connect. */
  add(init: RequestInit, connected: boolean): Promise<InboundFrame> {
    return new Promise((resolve, reject) => {
      if (this.closedWith) {
        reject(this.closedWith);
        return;
      }
      let settled = false;
      const p: PendingRequest = {
        ...init,
        key: init.key,
        once: init.once === true,
        writtenAt: undefined,
        writeSeq: 0,
        reachedSocket: false,
        abandoned: false,
        timer: undefined,
        resolve: (frame) => {
          if (settled) return;
          settled = true;
          resolve(frame);
        },
        reject: (err) => {
          if (settled) return;
          settled = true;
          reject(err);
        },
      };
      this.pending.push(p);
      if (connected) this.writeOne(p);
    });
  }

  /** Writes everything waiting, oldest first (after action 1 succeeded). */
  flush(): void {
    for (const p of [...this.pending]) if (!p.abandoned && p.writtenAt === undefined) this.writeOne(p);
  }

  /** The connection is gone: stop the timers; forget timed-out slots; fail what cannot be resent. */
  disconnected(): void {
    const keep: PendingRequest[] = [];
    for (const p of this.pending) {
      this.stopTimer(p);
      p.writtenAt = undefined;
      if (p.abandoned) continue;
      if (!p.resend || (p.once && p.reachedSocket)) {
        p.reject(
          new ParleyError('DISCONNECTED', 'the connection was lost before an answer came', {
            action: p.action,
          }),
        );
        continue;
      }
      keep.push(p);
    }
    this.pending = keep;
  }

  /** The first request with this key (not removed). */
  findKey(key: string, kinds?: readonly RequestKind[]): PendingRequest | undefined {
    return this.pending.find((p) => p.key === key && (!kinds || kinds.includes(p.kind)));
  }

  /**
   * The request of this action written first on the current connection: FIFO matching for
   * answers without an id (the server answers a connection's requests in the order it read them).
   */
  oldestWritten(action: string): PendingRequest | undefined {
    let oldest: PendingRequest | undefined;
    for (const p of this.pending) {
      if (p.action !== action || p.writtenAt === undefined) continue;
      if (!oldest || p.writeSeq < oldest.writeSeq) oldest = p;
    }
    return oldest;
  }

  /** Removes a request; resolves it unless it was abandoned. Returns false if it was abandoned. */
  resolve(p: PendingRequest, frame: InboundFrame): boolean {
    this.remove(p);
    if (p.abandoned) return false;
    p.resolve(frame);
    return true;
  }

  reject(p: PendingRequest, err: ParleyError): boolean {
    this.remove(p);
    if (p.abandoned) return false;
    p.reject(err);
    return true;
  }

  /** Fails everything, now and from now on (the client closed). */
  rejectAll(err: ParleyError): void {
    this.closedWith = err;
    const all = this.pending;
    this.pending = [];
    for (const p of all) {
      this.stopTimer(p);
      p.reject(err);
    }
  }

  get size(): number {
    return this.pending.length;
  }

  private remove(p: PendingRequest): void {
    this.stopTimer(p);
    const i = this.pending.indexOf(p);
    if (i >= 0) this.pending.splice(i, 1);
  }

  /**
   * The server refused the request for now (RATE_LIMITED): write it again after `delayMs`. Only
   * for requests that can be resent; a reconnect meanwhile rewrites it anyway.
   */
  retryLater(p: PendingRequest, delayMs: number): void {
    this.stopTimer(p);
    p.writtenAt = undefined;
    p.reachedSocket = false; // refused unread: the server did not act on it
    p.timer = setTimeout(() => {
      p.timer = undefined;
      if (this.pending.includes(p) && !p.abandoned && p.writtenAt === undefined) this.writeOne(p);
    }, delayMs);
  }

  private writeOne(p: PendingRequest): void {
    this.stopTimer(p);
    p.writtenAt = Date.now(); // set first: a write that is not paced calls back at once
    p.writeSeq = ++this.writes;
    const written = this.write(p.frame, () => {
      // the answer timer starts when the frame reaches the socket, not while it waits to be paced
      if (p.writtenAt === undefined || p.abandoned || !this.pending.includes(p)) return;
      p.reachedSocket = true;
      this.stopTimer(p);
      p.timer = setTimeout(() => {
        p.timer = undefined;
        p.abandoned = true;
        p.reject(new ParleyError('TIMEOUT', `no answer within ${this.timeoutMs} ms`, { action: p.action }));
        p.onTimeout?.();
      }, this.timeoutMs);
    });
    if (!written) p.writtenAt = undefined;
  }

  private stopTimer(p: PendingRequest): void {
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.timer = undefined;
  }
}
