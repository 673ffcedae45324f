import { CloseCode, ErrorCode, type ErrorFrame } from '@parley/protocol';
import { Backoff } from './backoff.js';
import { ParleyError } from './errors.js';
import { Pacer } from './pacer.js';
import type { CloseEventLike, MessageEventLike, WebSocketConstructor, WebSocketLike } from './transport.js';
import { WS_OPEN } from './transport.js';
import type { ConnectionState, InboundFrame, OutboundFrame, StateChange } from './types.js';

export interface ConnectionOptions {
  url: string;
  userId: string;
  getToken: (() => Promise<string>) | undefined;
  WebSocket: WebSocketConstructor;
  heartbeatIntervalMs: number;
  deadTimeoutMs: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  closeTimeoutMs: number;
  maxFramesPerSecond: number;
  /** The sync cursor to send in action 1 (`since`), if the device has one. */
  since: () => number | undefined;
  /** The notice cursor to send in action 1 (`noticesSince`), if the device has one. */
  noticesSince: () => number | undefined;
}

export interface ConnectionHooks {
  state(change: StateChange): void;
  /** Action 1 was answered: the connection is usable. */
  ready(): void;
  frame(frame: InboundFrame): void;
  /** The connection went away; a reconnect is scheduled. */
  down(): void;
  /** A problem that does not stop the client (it retries). */
  error(err: ParleyError): void;
  /** A problem that stops the client for good; the state is already `closed`. */
  fatal(err: ParleyError): void;
}

/** Handshake refusals worth retrying; any other refusal of action 1 is final. */
const RETRYABLE_HANDSHAKE: readonly string[] = [ErrorCode.RateLimited, ErrorCode.Internal];

/**
 * One logical connection over successive sockets: token, action 1, heartbeat, dead-connection
 * watchdog, and reconnects with backoff. Knows nothing of messages; hands frames to its hooks.
 */
export class Connection {
  private current: ConnectionState = 'idle';
  private ws: WebSocketLike | undefined;
  private isReady = false;
  private lastFrameAt = 0;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on every attempt and on close, so that late callbacks of old attempts do nothing. */
  private generation = 0;
  private readonly backoff: Backoff;
  private readonly pacer: Pacer;

  constructor(
    private readonly opts: ConnectionOptions,
    private readonly hooks: ConnectionHooks,
  ) {
    this.backoff = new Backoff(opts.reconnectBaseMs, opts.reconnectMaxMs);
    this.pacer = new Pacer(opts.maxFramesPerSecond, opts.maxFramesPerSecond, (text) => this.rawSend(text));
  }

  get state(): ConnectionState {
    return this.current;
  }

  get ready(): boolean {
    return this.isReady;
  }

  start(): void {
    if (this.current !== 'idle') return;
    this.setState('connecting');
    void this.open();
  }

  /**
   * Writes a frame if the connection is ready (false otherwise), paced to `maxFramesPerSecond`:
   * `onWritten` runs when it actually reaches the socket.
   */
  write(frame: OutboundFrame, onWritten?: () => void): boolean {
    if (!this.isReady) return false;
    this.pacer.write(JSON.stringify(frame), onWritten);
    return true;
  }

  /**
   * Writes a frame at once, unpaced, if the connection is ready (false otherwise): for the last
   * confirmations before `stop()`, which drops what waits to be paced.
   */
  writeNow(frame: OutboundFrame): boolean {
    return this.isReady && this.rawWrite(frame);
  }

  /** Closes for good: no reconnect. Resolves once the socket is closed (or after closeTimeoutMs). */
  async stop(): Promise<void> {
    if (this.current === 'closed') return;
    const ws = this.teardown();
    this.setState('closed');
    if (!ws || ws.readyState === 3) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate?.();
        resolve();
      }, this.opts.closeTimeoutMs);
      ws.onclose = () => {
        clearTimeout(timer);
        resolve();
      };
      ws.close(CloseCode.Normal, 'client closed');
    });
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    let token: string | undefined;
    if (this.opts.getToken) {
      try {
        token = await this.opts.getToken();
      } catch (cause) {
        if (generation !== this.generation) return;
        this.hooks.error(new ParleyError('TOKEN_PROVIDER', 'getToken() failed; retrying', { cause }));
        this.retry();
        return;
      }
      if (generation !== this.generation) return;
    }
    let ws: WebSocketLike;
    try {
      ws = new this.opts.WebSocket(this.opts.url);
    } catch (cause) {
      this.hooks.error(new ParleyError('PROTOCOL', `cannot open ${this.opts.url}`, { cause }));
      this.retry();
      return;
    }
    this.ws = ws;
    this.lastFrameAt = Date.now();
    this.armWatchdog(this.opts.deadTimeoutMs);
    ws.onopen = () => {
      if (this.ws !== ws) return;
      const since = this.opts.since();
      const noticesSince = this.opts.noticesSince();
      this.rawWrite({
        action: '1',
        fromId: this.opts.userId,
        ...(token !== undefined && { token }),
        ...(since !== undefined && { since }),
        ...(noticesSince !== undefined && { noticesSince }),
        // the SDK confirms every message it hands to the app: keep them pending until it does
        confirms: true,
      });
    };
    ws.onmessage = (event: MessageEventLike) => {
      if (this.ws === ws) this.onMessage(event);
    };
    ws.onclose = (event: CloseEventLike) => {
      if (this.ws === ws) this.onClose(event);
    };
    ws.onerror = () => {
      // a close event follows; nothing to do here
    };
  }

  private onMessage(event: MessageEventLike): void {
    this.lastFrameAt = Date.now();
    if (typeof event.data !== 'string') return; // the protocol has text frames only
    let frame: unknown;
    try {
      frame = JSON.parse(event.data);
    } catch {
      this.hooks.error(new ParleyError('PROTOCOL', 'the server sent a frame that is not JSON'));
      return;
    }
    if (
      typeof frame !== 'object' ||
      frame === null ||
      typeof (frame as { action?: unknown }).action !== 'string'
    ) {
      this.hooks.error(new ParleyError('PROTOCOL', 'the server sent a frame without an action'));
      return;
    }
    const f = frame as InboundFrame;
    if (!this.isReady) {
      if (f.action === '1') {
        this.isReady = true;
        this.backoff.reset();
        this.heartbeat = setInterval(
          () => this.rawWrite({ action: '5', fromId: this.opts.userId }),
          this.opts.heartbeatIntervalMs,
        );
        this.setState('connected');
        this.hooks.ready();
        return;
      }
      if (f.action === '0' && (f.ref?.action === '1' || f.code === ErrorCode.AuthFailed)) {
        this.handshakeRefused(f);
        return;
      }
    }
    this.hooks.frame(f);
  }

  private handshakeRefused(f: ErrorFrame): void {
    const err = new ParleyError(f.code, `connect refused: ${f.error}`, { action: '1' });
    if (RETRYABLE_HANDSHAKE.includes(f.code)) {
      this.hooks.error(err);
      this.lost(true);
    } else {
      this.fail(err);
    }
  }

  private onClose(event: CloseEventLike): void {
    const reason = event.reason ? `: ${event.reason}` : '';
    if (event.code === CloseCode.AuthFailed) {
      this.fail(
        new ParleyError(ErrorCode.AuthFailed, `authentication failed${reason}`, { closeCode: event.code }),
      );
      return;
    }
    if (event.code === CloseCode.Kicked) {
      // the operator closed this user's connections: the app (or a person) decides what comes next
      this.fail(
        new ParleyError(ErrorCode.Forbidden, `disconnected by the server${reason}`, {
          closeCode: event.code,
        }),
      );
      return;
    }
    this.lost(false);
  }

  /** No frame at all for deadTimeoutMs (heartbeat replies included): the connection is dead. */
  private armWatchdog(delayMs: number): void {
    if (this.watchdog !== undefined) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      const silentFor = Date.now() - this.lastFrameAt;
      if (silentFor >= this.opts.deadTimeoutMs) this.lost(true);
      else this.armWatchdog(this.opts.deadTimeoutMs - silentFor);
    }, delayMs);
  }

  /** The socket is gone (or must go): drop it and reconnect after a backoff delay. */
  private lost(kill: boolean): void {
    const ws = this.teardown();
    if (kill && ws) killSocket(ws);
    this.hooks.down();
    this.retry();
  }

  private fail(err: ParleyError): void {
    const ws = this.teardown();
    if (ws) killSocket(ws);
    this.setState('closed');
    this.hooks.fatal(err);
  }

  private retry(): void {
    if (this.current === 'closed') return;
    this.setState('reconnecting');
    const delay = this.backoff.next();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.open();
    }, delay);
  }

  /** Stops timers and detaches the current socket; returns it. */
  private teardown(): WebSocketLike | undefined {
    this.generation++;
    for (const t of [this.watchdog, this.retryTimer]) if (t !== undefined) clearTimeout(t);
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.watchdog = this.retryTimer = this.heartbeat = undefined;
    this.isReady = false;
    this.pacer.clear();
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.onerror = () => {};
    }
    return ws;
  }

  /** Writes at once, unpaced: action 1 and heartbeats (which the server counts as light). */
  private rawWrite(frame: OutboundFrame): boolean {
    return this.rawSend(JSON.stringify(frame));
  }

  private rawSend(text: string): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WS_OPEN) return false;
    try {
      ws.send(text);
      return true;
    } catch {
      return false;
    }
  }

  private setState(state: ConnectionState): void {
    const previous = this.current;
    if (previous === state) return;
    this.current = state;
    this.hooks.state({ state, previous });
  }
}

function killSocket(ws: WebSocketLike): void {
  try {
    if (ws.terminate) ws.terminate();
    else if (ws.readyState < 2) ws.close(CloseCode.Normal, 'connection lost');
  } catch {
    // already gone
  }
}
