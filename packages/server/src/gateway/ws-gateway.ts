import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  CloseCode,
  ErrorCode,
  HEARTBEAT_MISSES,
  type ParseResult,
  parseClientFrame,
  refOf,
} from '@parley/protocol';
import type { Logger } from 'pino';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { ChatCore } from '../core/chat-core.js';
import { KeyedBuckets, TokenBucket } from '../limits/token-bucket.js';
import { type Metrics, noMetrics } from '../metrics/metrics.js';
import { Admission, type Ticket } from './admission.js';
import { type Conn, ConnSocket, connOf, type SocketListeners } from './conn.js';
import { refuseUpgrade } from './refuse.js';
import { WsPeer, type WsPeerHost } from './ws-peer.js';

export interface GatewayConfig {
  path: string;
  /** Largest text frame accepted, in bytes. */
  maxFrameBytes: number;
  heartbeatIntervalMs: number;
  /** Unsent bytes a connection may accumulate before it is cut off as a slow consumer. */
  maxBufferedBytes: number;
  /**
   * Frames per second per connection (burst: twice that); 0: unlimited. Past it the connection is
   * read more slowly (shaped), not refused.
   */
  framesPerSecond: number;
  /** Frames per second per user, all its connections on this node together (shaped too); 0: unlimited. */
  userFramesPerSecond: number;
  /** Time a new connection has to complete action 1. */
  authTimeoutMs: number;
  /** Open connections in total (upgrades over it are refused with 503). */
  maxConnections: number;
  /** Connections per address that have not completed action 1; 0: unlimited. */
  maxPendingConnectionsPerIp: number;
}

/** A sweep later than this many intervals after the previous one judges nobody (see `sweep`). */
const LATE_SWEEP_FACTOR = 2;

/** Refused upgrades are logged at most this often (with a count), so a flood cannot flood the log. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/** Confirmations and heartbeats are cheap and come in bursts after a reconnect: they cost less. */
const LIGHT_FRAME_COST = 0.1;

/**
 * Frames a shaped connection may have waiting for tokens. Reading stops at the first frame over the
 * rate, so only what ws had already read from the socket (one read, at most 64 KiB, or what was
 * buffered when the socket closed) can arrive after that; past these bounds frames are refused.
 */
const MAX_SHAPED_FRAMES = 4096;
const MIN_SHAPED_BYTES = 256 * 1024;

/**
 * The WebSocket edge: upgrades, frame decoding and validation, liveness. Turns frames into typed
 * commands for the core and knows nothing of storage.
 */
export class WsGateway {
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Conn>();
  private readonly listeners: SocketListeners;
  private readonly peerHost: WsPeerHost<ConnSocket>;
  private readonly timer: NodeJS.Timeout;
  private readonly userBuckets: KeyedBuckets;
  private readonly admission: Admission;
  /** Bytes of frames one shaped connection may have waiting (see MAX_SHAPED_FRAMES). */
  private readonly maxShapedBytes: number;
  private closing = false;
  private lastSweepAt = Date.now();
  private refused = 0;
  private refusalLoggedAt = 0;

  constructor(
    private readonly core: ChatCore,
    private readonly config: GatewayConfig,
    private readonly log: Logger,
    private readonly metrics: Metrics = noMetrics,
  ) {
    // Frames up to twice the limit are read and refused with TOO_LARGE; larger ones are cut by ws (1009).
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.maxFrameBytes * 2,
      perMessageDeflate: false,
      // the gateway keeps its own set of connections (ws's would add a closure to each)
      clientTracking: false,
      WebSocket: ConnSocket,
    });
    this.listeners = this.socketListeners();
    this.peerHost = {
      maxBuffered: config.maxBufferedBytes,
      metrics,
      slow: (ws) =>
        this.log.warn(
          { user: ws.conn?.session.userId, remote: ws.conn?.peer.remote },
          'slow consumer disconnected',
        ),
      authenticated: (ws) => {
        const conn = ws.conn;
        if (!conn) return;
        this.admission.connected(conn.ticket);
        clearTimeout(conn.authTimer);
        conn.authTimer = undefined;
        conn.lastFrameAt = Date.now();
      },
    };
    this.admission = new Admission({
      maxConnections: config.maxConnections,
      maxPendingPerAddress: config.maxPendingConnectionsPerIp,
    });
    this.userBuckets = new KeyedBuckets(config.userFramesPerSecond, config.userFramesPerSecond * 2);
    this.maxShapedBytes = Math.max(MIN_SHAPED_BYTES, 4 * config.maxFrameBytes);
    this.timer = setInterval(() => this.sweep(), config.heartbeatIntervalMs);
    this.timer.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0];
    const address = req.socket.remoteAddress;
    const onSocketError = (err: Error) => this.log.debug({ err, remote: address }, 'upgrade socket error');
    if (path !== this.config.path || this.closing) {
      refuseUpgrade(socket, this.closing ? 503 : 404, onSocketError);
      return;
    }
    const admitted = this.admission.admit(address);
    if (!admitted.ok) {
      this.logRefusal(admitted.reason, address);
      refuseUpgrade(socket, 503, onSocketError);
      return;
    }
    const { ticket } = admitted;
    // the ticket lives as long as the raw socket, whether or not the upgrade completes
    const release = () => this.admission.release(ticket);
    socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // from here the WebSocket's close releases it: nothing of this upgrade (the request and its
      // headers, about 1.5 KiB) stays referenced from the socket for the connection's life
      socket.removeListener('close', release);
      this.accept(ws as ConnSocket, req, ticket);
    });
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  private logRefusal(reason: string, address: string | undefined): void {
    this.refused++;
    const now = Date.now();
    if (now - this.refusalLoggedAt < REFUSAL_LOG_INTERVAL_MS) return;
    this.log.warn(
      {
        reason,
        remote: address,
        refused: this.refused,
        connections: this.admission.count,
        maxConnections: this.config.maxConnections,
        maxPendingPerIp: this.config.maxPendingConnectionsPerIp,
      },
      'refusing connections (503)',
    );
    this.refused = 0;
    this.refusalLoggedAt = now;
  }

  private accept(ws: ConnSocket, req: IncomingMessage, ticket: Ticket): void {
    if (this.closing) {
      ws.once('close', () => this.admission.release(ticket));
      ws.close(CloseCode.GoingAway, 'server shutting down');
      return;
    }
    const peer = new WsPeer(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`, this.peerHost);
    const now = Date.now();
    const rate = this.config.framesPerSecond;
    const conn: Conn = {
      ws,
      peer,
      session: this.core.openSession(peer),
      ticket,
      lastFrameAt: now,
      bucket: new TokenBucket(rate, rate * 2, now),
      shaped: undefined,
      shapedBytes: 0,
      shapeTimer: undefined,
      authTimer: undefined,
    };
    conn.authTimer = setTimeout(() => this.authTimeout(conn), this.config.authTimeoutMs);
    conn.authTimer.unref();
    this.conns.add(conn);
    ws.conn = conn;
    const { message, pong, error, close } = this.listeners;
    ws.on('message', message);
    // one handler for liveness and delivery-proof pings: it settles every ping the pong answers
    ws.on('pong', pong);
    ws.on('error', error);
    ws.on('close', close);
  }

  /** The listeners every connection's WebSocket shares. */
  private socketListeners(): SocketListeners {
    const gateway = this;
    return {
      message(data, isBinary) {
        const conn = connOf(this);
        if (conn) gateway.onFrame(conn, data, isBinary);
      },
      pong(data) {
        connOf(this)?.peer.pings.pong(data);
      },
      error(err) {
        const conn = connOf(this);
        gateway.log.warn({ err, user: conn?.session.userId, remote: conn?.peer.remote }, 'websocket error');
      },
      close(code) {
        const conn = connOf(this);
        if (conn) gateway.closed(conn, code);
      },
    };
  }

  /** A connection's WebSocket closed: its session ends and its slot is free. */
  private closed(conn: Conn, code: number): void {
    clearTimeout(conn.authTimer);
    clearTimeout(conn.shapeTimer);
    conn.shaped = undefined;
    conn.peer.pings.dispose();
    this.conns.delete(conn);
    this.admission.release(conn.ticket);
    const user = conn.session.userId;
    this.core.closeSession(conn.session);
    if (user !== undefined) this.log.info({ user, remote: conn.peer.remote, code }, 'disconnected');
  }

  /** Action 1 has not completed in time: the connection holds a slot without credentials. */
  private authTimeout(conn: Conn): void {
    conn.authTimer = undefined;
    if (conn.session.userId !== undefined || conn.ws.readyState !== WebSocket.OPEN) return;
    const ms = this.config.authTimeoutMs;
    this.log.info({ remote: conn.peer.remote, authTimeoutMs: ms }, 'closed: no action 1 in time');
    conn.session.sendError(ErrorCode.NotConnected, `send action 1 (connect) within ${ms} ms`);
    conn.ws.close(CloseCode.HeartbeatTimeout, 'authentication timeout');
  }

  private onFrame(conn: Conn, data: RawData, isBinary: boolean): void {
    const now = Date.now();
    const { session } = conn;
    // only the connected user's frames show liveness; before action 1 the auth deadline applies
    if (session.userId !== undefined) conn.lastFrameAt = now;
    if (isBinary) {
      this.metrics.frameIn(undefined);
      session.sendError(ErrorCode.BadRequest, 'binary frames are not supported; send JSON text frames');
      conn.ws.close(CloseCode.UnsupportedData, 'binary frames are not supported');
      return;
    }
    const buf = data as Buffer;
    if (buf.length > this.config.maxFrameBytes) {
      this.metrics.frameIn(undefined);
      session.sendError(ErrorCode.TooLarge, `frames are limited to ${this.config.maxFrameBytes} bytes`);
      conn.ws.close(CloseCode.TooLarge, 'frame too large');
      return;
    }
    const parsed = parseClientFrame(buf.toString('utf8'));
    this.metrics.frameIn(parsed.ok ? parsed.frame.action : undefined);
    // frames run in arrival order: once one waits for tokens, those after it wait behind it
    if (conn.shaped === undefined && this.waitMs(conn, parsed, now) === 0) {
      this.take(conn, parsed, now);
      this.handle(conn, parsed);
    } else {
      this.shape(conn, parsed, buf.length, now);
    }
  }

  private handle(conn: Conn, parsed: ParseResult): void {
    if (parsed.ok) conn.session.receive(parsed.frame);
    else conn.session.sendError(parsed.code, parsed.error, parsed.ref);
  }

  private costOf(parsed: ParseResult): number {
    const f = parsed.ok ? parsed.frame : undefined;
    const light = f?.action === '5' || f?.action === '22' || (f?.action === '4' && f.chatMsg.status === 1);
    return light ? LIGHT_FRAME_COST : 1;
  }

  /** Milliseconds until both the connection's and its user's buckets can pay for the frame. */
  private waitMs(conn: Conn, parsed: ParseResult, now: number): number {
    const cost = this.costOf(parsed);
    const user = conn.session.userId;
    const own = conn.bucket.waitMs(now, cost);
    return user === undefined ? own : Math.max(own, this.userBuckets.waitMs(user, now, cost));
  }

  private take(conn: Conn, parsed: ParseResult, now: number): void {
    const cost = this.costOf(parsed);
    conn.bucket.take(now, cost);
    const user = conn.session.userId;
    if (user !== undefined) this.userBuckets.take(user, now, cost);
  }

  /**
   * Over its rate (or its user's), a connection is shaped rather than refused: reading its socket
   * stops (TCP backpressure slows the client down) and the frame waits, with those read after it,
   * until the buckets have refilled; then they run in order and reading resumes. Only frames past
   * the small bound of what ws had already read are refused.
   */
  private shape(conn: Conn, parsed: ParseResult, bytes: number, now: number): void {
    const shaped = conn.shaped ?? [];
    if (shaped.length >= MAX_SHAPED_FRAMES || conn.shapedBytes + bytes > this.maxShapedBytes) {
      const ref = parsed.ok ? refOf(parsed.frame) : parsed.ref;
      conn.session.sendError(
        ErrorCode.RateLimited,
        'too many frames while reading was paused; slow down',
        ref,
      );
      return;
    }
    shaped.push(parsed);
    conn.shaped = shaped;
    conn.shapedBytes += bytes;
    conn.peer.pause('rate');
    if (conn.shapeTimer === undefined) this.waitForTokens(conn, this.waitMs(conn, shaped[0]!, now));
  }

  private waitForTokens(conn: Conn, ms: number): void {
    conn.shapeTimer = setTimeout(() => this.runShaped(conn), Math.max(1, ms));
  }

  /** Runs the waiting frames the buckets can pay for now; waits again for the rest, or resumes reading. */
  private runShaped(conn: Conn): void {
    conn.shapeTimer = undefined;
    let shaped = conn.shaped;
    while (shaped !== undefined && shaped.length > 0) {
      if (conn.ws.readyState !== WebSocket.OPEN) return;
      const now = Date.now();
      const next = shaped[0]!;
      const wait = this.waitMs(conn, next, now);
      if (wait > 0) {
        this.waitForTokens(conn, wait);
        return;
      }
      shaped.shift();
      this.take(conn, next, now);
      this.handle(conn, next);
      shaped = conn.shaped; // a frame it ran may have closed the connection
    }
    conn.shaped = undefined;
    conn.shapedBytes = 0;
    conn.peer.resume('rate');
  }

  /**
   * Every interval: close connections silent for too long, terminate those that did not answer the
   * last ping, and ping the others with a fresh payload. A sweep that runs late (the process was
   * paused: SIGSTOP, a long GC, an overloaded host) judges nobody: the frames and pongs of that
   * time are still unread in the socket buffers, so it only pings again.
   */
  private sweep(): void {
    const now = Date.now();
    const interval = this.config.heartbeatIntervalMs;
    const late = now - this.lastSweepAt > interval * LATE_SWEEP_FACTOR;
    if (late)
      this.log.warn(
        { sinceLastSweepMs: now - this.lastSweepAt, heartbeatIntervalMs: interval },
        'liveness sweep ran late (was the process paused?): closing no connection this round',
      );
    this.lastSweepAt = now;
    this.userBuckets.sweep(now);
    const silentLimit = interval * HEARTBEAT_MISSES;
    for (const conn of this.conns) {
      if (conn.ws.readyState !== WebSocket.OPEN) continue;
      const { pings } = conn.peer;
      if (conn.peer.readingPaused) {
        // we stopped reading it (its frames wait for its replay or for tokens): its silence is ours
        conn.lastFrameAt = now;
        pings.clearLiveness();
        continue;
      }
      if (!late && now - conn.lastFrameAt > silentLimit) {
        conn.ws.close(CloseCode.HeartbeatTimeout, 'no frames for 3 heartbeat intervals');
      } else if (!late && pings.unanswered) {
        this.log.info({ user: conn.session.userId }, 'no answer to a ping: connection dropped');
        conn.ws.terminate();
      } else {
        pings.checkLiveness();
      }
    }
  }

  /** Refuses new connections from now on; open ones keep working. */
  stopAccepting(): void {
    this.closing = true;
  }

  /** Stops accepting and closes every connection with 1001, waiting for them to go (at most `graceMs`). */
  async close(graceMs = 2000): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    const closed = [...this.conns].map(
      (conn) =>
        new Promise<void>((resolve) => {
          if (conn.ws.readyState === WebSocket.CLOSED) return resolve();
          conn.ws.once('close', () => resolve());
          conn.ws.close(CloseCode.GoingAway, 'server shutting down');
        }),
    );
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.all(closed), grace]);
    for (const conn of this.conns) {
      clearTimeout(conn.authTimer);
      clearTimeout(conn.shapeTimer);
      conn.ws.terminate();
    }
    this.wss.close();
  }
}
