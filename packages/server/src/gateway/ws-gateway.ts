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
}

/** Confirmations and heartbeats are cheap and come in bursts after a reconnect: they cost less. */
const LIGHT_FRAME_COST = 0.1;

interface Conn {
  ws: WebSocket;
  session: Session;
  lastFrameAt: number;
  pongPending: boolean;
  bucket: TokenBucket;
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
  private closing = false;

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
    this.userBuckets = new KeyedBuckets(config.userFramesPerSecond, config.userFramesPerSecond * 2);
    this.timer = setInterval(() => this.sweep(), config.heartbeatIntervalMs);
    this.timer.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== this.config.path || this.closing) {
      refuseUpgrade(socket, this.closing ? 503 : 404, (err) =>
        this.log.debug({ err, remote: req.socket.remoteAddress }, 'refused upgrade: socket error'),
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    const peer = new WsPeer(ws, remote, this.config.maxBufferedBytes, () =>
      this.log.warn({ user: conn.session.userId, remote }, 'slow consumer disconnected'),
    );
    const now = Date.now();
    const rate = this.config.framesPerSecond;
    const conn: Conn = {
      ws,
      session: this.core.openSession(peer),
      lastFrameAt: now,
      pongPending: false,
      bucket: new TokenBucket(rate, rate * 2, now),
    };
    this.conns.add(conn);
    ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));
    ws.on('pong', () => {
      conn.pongPending = false;
    });
    ws.on('error', (err) => this.log.warn({ err, user: conn.session.userId, remote }, 'websocket error'));
    ws.on('close', (code) => {
      this.conns.delete(conn);
      const user = conn.session.userId;
      this.core.closeSession(conn.session);
      if (user !== undefined) this.log.info({ user, remote, code }, 'disconnected');
    });
  }

  private onFrame(conn: Conn, data: RawData, isBinary: boolean): void {
    conn.lastFrameAt = Date.now();
    const { session } = conn;
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
    if (!this.withinRate(conn, parsed)) {
      const ref = parsed.ok ? refOf(parsed.frame) : parsed.ref;
      session.sendError(ErrorCode.RateLimited, 'too many frames; slow down', ref);
      return;
    }
    if (parsed.ok) session.receive(parsed.frame);
    else session.sendError(parsed.code, parsed.error, parsed.ref);
  }

  private withinRate(conn: Conn, parsed: ParseResult): boolean {
    const f = parsed.ok ? parsed.frame : undefined;
    const light = f?.action === '5' || (f?.action === '4' && f.chatMsg.status === 1);
    const cost = light ? LIGHT_FRAME_COST : 1;
    const now = conn.lastFrameAt;
    if (!conn.bucket.take(now, cost)) return false;
    const user = conn.session.userId;
    return user === undefined || this.userBuckets.take(user, now, cost);
  }

  /** Every interval: close connections silent for too long, terminate those that missed a ping. */
  private sweep(): void {
    const now = Date.now();
    this.userBuckets.sweep(now);
    const silentLimit = this.config.heartbeatIntervalMs * HEARTBEAT_MISSES;
    for (const conn of this.conns) {
      if (conn.ws.readyState !== WebSocket.OPEN) continue;
      if (now - conn.lastFrameAt > silentLimit) {
        conn.ws.close(CloseCode.HeartbeatTimeout, 'no frames for 3 heartbeat intervals');
      } else if (conn.pongPending) {
        conn.ws.terminate();
      } else {
        conn.pongPending = true;
        conn.ws.ping();
      }
    }
  }

  /** Stops accepting and closes every connection with 1001, waiting for them to go (at most `graceMs`). */
  /** Refuses new connections from now on; open ones keep working. */
  stopAccepting(): void {
    this.closing = true;
  }

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
    for (const conn of this.conns) conn.ws.terminate();
    this.wss.close();
  }
}
