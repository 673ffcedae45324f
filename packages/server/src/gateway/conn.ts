import type { ParseResult } from '@parley/protocol';
import { type RawData, WebSocket } from 'ws';
import type { Session } from '../core/session.js';
import type { TokenBucket } from '../limits/token-bucket.js';
import type { Ticket } from './admission.js';
import type { WsPeer } from './ws-peer.js';

/** What the gateway keeps of one open connection. */
export interface Conn {
  ws: ConnSocket;
  peer: WsPeer<ConnSocket>;
  session: Session;
  /** Its place in the connection caps, released when the WebSocket closes. */
  ticket: Ticket;
  /** When the connected user last sent a frame (frames before action 1 do not count). */
  lastFrameAt: number;
  bucket: TokenBucket;
  /** Frames read while over the rate, in arrival order, waiting for tokens (none: undefined); and their size. */
  shaped: ParseResult[] | undefined;
  shapedBytes: number;
  /** Runs the shaped frames once the buckets have refilled. */
  shapeTimer: NodeJS.Timeout | undefined;
  /** Closes the connection if action 1 has not completed in time. */
  authTimer: NodeJS.Timeout | undefined;
}

/**
 * A WebSocket that knows its connection, so that one set of listeners, made once per gateway,
 * serves every connection: a closure per event and connection would cost about 300 bytes each
 * connection for its whole life.
 */
export class ConnSocket extends WebSocket {
  conn: Conn | undefined = undefined;
}

/** The listeners of every connection's WebSocket (`this` is the socket: a ConnSocket). */
export interface SocketListeners {
  message(this: WebSocket, data: RawData, isBinary: boolean): void;
  pong(this: WebSocket, data: Buffer): void;
  error(this: WebSocket, err: Error): void;
  close(this: WebSocket, code: number): void;
}

/** The connection of a gateway's WebSocket (none yet while it is being accepted). */
export function connOf(ws: WebSocket): Conn | undefined {
  return (ws as ConnSocket).conn;
}
