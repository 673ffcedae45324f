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
import type { Session } from '../core/session.js';
import { KeyedBuckets, TokenBucket } from '../limits/token-bucket.js';
import { Admission, type Ticket } from './admission.js';
import { refuseUpgrade } from './refuse.js';
import { WsPeer } from './ws-peer.js';

export interface GatewayConfig {
  path: string;
  /** Largest text frame accepted, in bytes. */
  maxFrameBytes: number;
  heartbeatIntervalMs: number;
  /** Unsent bytes a connection may accumulate before it is cut off as a slow consumer. */
  maxBufferedBytes: number;
  /** Frames per second per connection (burst: twice that); 0: unlimited. */
  framesPerSecond: number;
  /** Frames per second per user, all its connections on this node together; 0: unlimited. */
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

interface Conn {
  ws: WebSocket;
  peer: WsPeer;
  session: Session;
  /** When the connected user last sent a frame (frames before action 1 do not count). */
  lastFrameAt: number;
  bucket: TokenBucket;
  /** Closes the connection if action 1 has not completed in time. */
  authTimer: NodeJS.Timeout | undefined;
}

/**
 * The WebSocket edge: upgrades, frame decoding and validation, liveness. Turns frames into typed
 * commands for the core and knows nothing of storage.
 */
export class WsGateway {
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Conn>();
  private readonly timer: NodeJS.Timeout;
  private readonly userBuckets: KeyedBuckets;
  private readonly admission: Admission;
  private closing = false;
  private lastSweepAt = Date.now();
  private refused = 0;
  private refusalLoggedAt = 0;

  constructor(
    private readonly core: ChatCore,
    private readonly config: GatewayConfig,
    private readonly log: Logger,
  ) {
    // Frames up to twice the limit are read and refused with TOO_LARGE; larger ones are cut by ws (1009).
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.maxFrameBytes * 2,
      perMessageDeflate: false,
    });
    this.admission = new Admission({
      maxConnections: config.maxConnections,
      maxPendingPerAddress: config.maxPendingConnectionsPerIp,
    });
    this.userBuckets = new KeyedBuckets(config.userFramesPerSecond, config.userFramesPerSecond * 2);
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
    socket.once('close', () => this.admission.release(ticket));
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, ticket));
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

  private accept(ws: WebSocket, req: IncomingMessage, ticket: Ticket): void {
    if (this.closing) {
      ws.close(CloseCode.GoingAway, 'server shutting down');
      return;
    }
    const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    const peer = new WsPeer(ws, {
      remote,
      maxBuffered: this.config.maxBufferedBytes,
      onSlow: () => this.log.warn({ user: conn.session.userId, remote }, 'slow consumer disconnected'),
      onAuthenticated: () => {
        this.admission.connected(ticket);
        clearTimeout(conn.authTimer);
        conn.authTimer = undefined;
        conn.lastFrameAt = Date.now();
      },
    });
    const now = Date.now();
    const rate = this.config.framesPerSecond;
    const conn: Conn = {
      ws,
      peer,
      session: this.core.openSession(peer),
      lastFrameAt: now,
      bucket: new TokenBucket(rate, rate * 2, now),
      authTimer: undefined,
    };
    conn.authTimer = setTimeout(() => this.authTimeout(conn, remote), this.config.authTimeoutMs);
    conn.authTimer.unref();
    this.conns.add(conn);
    ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));
    // one handler for liveness and delivery-proof pings: it settles every ping the pong answers
    ws.on('pong', (data) => peer.pings.pong(data));
    ws.on('error', (err) => this.log.warn({ err, user: conn.session.userId, remote }, 'websocket error'));
    ws.on('close', (code) => {
      clearTimeout(conn.authTimer);
      peer.pings.dispose();
      this.conns.delete(conn);
      const user = conn.session.userId;
      this.core.closeSession(conn.session);
      if (user !== undefined) this.log.info({ user, remote, code }, 'disconnected');
    });
  }

  /** Action 1 has not completed in time: the connection holds a slot without credentials. */
  private authTimeout(conn: Conn, remote: string): void {
    conn.authTimer = undefined;
    if (conn.session.userId !== undefined || conn.ws.readyState !== WebSocket.OPEN) return;
    const ms = this.config.authTimeoutMs;
    this.log.info({ remote, authTimeoutMs: ms }, 'closed: no action 1 in time');
    conn.session.sendError(ErrorCode.NotConnected, `send action 1 (connect) within ${ms} ms`);
    conn.ws.close(CloseCode.HeartbeatTimeout, 'authentication timeout');
  }

  private onFrame(conn: Conn, data: RawData, isBinary: boolean): void {
    const now = Date.now();
    const { session } = conn;
    // only the connected user's frames show liveness; before action 1 the auth deadline applies
    if (session.userId !== undefined) conn.lastFrameAt = now;
    if (isBinary) {
      session.sendError(ErrorCode.BadRequest, 'binary frames are not supported; send JSON text frames');
      conn.ws.close(CloseCode.UnsupportedData, 'binary frames are not supported');
      return;
    }
    const buf = data as Buffer;
    if (buf.length > this.config.maxFrameBytes) {
      session.sendError(ErrorCode.TooLarge, `frames are limited to ${this.config.maxFrameBytes} bytes`);
      conn.ws.close(CloseCode.TooLarge, 'frame too large');
      return;
    }
    const parsed = parseClientFrame(buf.toString('utf8'));
    if (!this.withinRate(conn, parsed, now)) {
      const ref = parsed.ok ? refOf(parsed.frame) : parsed.ref;
      session.sendError(ErrorCode.RateLimited, 'too many frames; slow down', ref);
      return;
    }
    if (parsed.ok) session.receive(parsed.frame);
    else session.sendError(parsed.code, parsed.error, parsed.ref);
  }

  private withinRate(conn: Conn, parsed: ParseResult, now: number): boolean {
    const f = parsed.ok ? parsed.frame : undefined;
    const light = f?.action === '5' || (f?.action === '4' && f.chatMsg.status === 1);
    const cost = light ? LIGHT_FRAME_COST : 1;
    if (!conn.bucket.take(now, cost)) return false;
    const user = conn.session.userId;
    return user === undefined || this.userBuckets.take(user, now, cost);
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
        // we stopped reading it (its frames wait for its replay): its silence is ours
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
      conn.ws.terminate();
    }
    this.wss.close();
  }
}
