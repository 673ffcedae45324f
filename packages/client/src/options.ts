import { HEARTBEAT_INTERVAL_MS } from '@parley/protocol';
import { ParleyError } from './errors.js';
import { MemoryOutbox, type Outbox } from './outbox.js';
import { type FetchLike, httpBaseOf, type WebSocketConstructor } from './transport.js';

export interface ClientOptions {
  /** The WebSocket endpoint, e.g. `ws://localhost:8080/ws`. */
  url: string;
  /** The user this client connects as (`fromId`). */
  userId: string;
  /**
   * Returns a token for action 1 (and for uploads), fresh for every connection attempt; may be
   * async (fetch it from your backend). Omit it for a server running in open mode.
   */
  getToken?: () => Promise<string>;
  /** A WebSocket class; default the global `WebSocket`. In Node 20 pass `WebSocket` from `ws`. */
  WebSocket?: WebSocketConstructor;
  /** A fetch function for uploads; default the global `fetch`. */
  fetch?: FetchLike;
  /** Base of the HTTP API (uploads); default derived from `url` (`ws://h/ws` → `http://h`). */
  httpBase?: string;
  /** Where unacknowledged messages wait; default in memory. */
  outbox?: Outbox;
  /** Action 5 interval; default 25 s (the server closes connections silent for 3 × 30 s). */
  heartbeatIntervalMs?: number;
  /** No frame at all for this long (heartbeat replies included) means the connection is dead. */
  deadTimeoutMs?: number;
  /** Reconnect delays: full jitter in [0, min(max, base × 2^attempt)). Defaults 500 ms and 30 s. */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** How long a request may wait for its answer once written to a live connection; default 20 s. */
  requestTimeoutMs?: number;
  /** Refill the id pool when fewer ids than this are left; default 5 (batches are 10). */
  idLowWater?: number;
  /** How many message ids to remember for dropping duplicates; default 10 000. */
  seenIdsCapacity?: number;
  /** Largest frame the client writes, in UTF-8 bytes (server MAX_FRAME_BYTES); default 64 KiB. */
  maxFrameBytes?: number;
  /**
   * Most frames written per second (bursts up to the same number); more wait in order. Keeps a
   * big outbox flush under the server's rate limit (100/s by default). Default 50; 0: no pacing.
   */
  maxFramesPerSecond?: number;
  /** Answer PING envelopes with PONG automatically; default true. */
  answerPings?: boolean;
  /**
   * How long to gather receipt confirmations before writing them, in ms; default 200. A burst of
   * 1:1 messages is then confirmed by one action 22 ("received through" the highest `seq`), each
   * group's by one action 4 status 1 for its last message. 0: as soon as the frames that arrived
   * together are handled. What is outstanding is written by `close()`; a dropped connection
   * forgets it (the next connect's `since` confirms it on the server).
   */
  confirmDelayMs?: number;
  /**
   * Multi-device sync: the `syncCursor` this device had at the end of an earlier session (persist
   * it). Connects then ask for every message stored after it, also those another device of the
   * same user already confirmed. Within one session the client does this by itself on reconnects.
   */
  since?: number;
  /**
   * The `noticeCursor` this device had at the end of an earlier session (persist it with
   * `syncCursor`): connects then ask for every notice (receipts, recalls, friend frames) stored
   * after it, also those another device of the same user already received.
   */
  noticesSince?: number;
}

export interface ResolvedOptions {
  url: string;
  userId: string;
  getToken: (() => Promise<string>) | undefined;
  WebSocket: WebSocketConstructor;
  fetch: FetchLike | undefined;
  httpBase: string;
  outbox: Outbox;
  heartbeatIntervalMs: number;
  deadTimeoutMs: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  requestTimeoutMs: number;
  idLowWater: number;
  seenIdsCapacity: number;
  maxFrameBytes: number;
  answerPings: boolean;
  confirmDelayMs: number;
  closeTimeoutMs: number;
  maxFramesPerSecond: number;
  since: number | undefined;
  noticesSince: number | undefined;
}

export function resolveOptions(o: ClientOptions): ResolvedOptions {
  const WebSocketClass = o.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!WebSocketClass) {
    throw new ParleyError(
      'INVALID_ARGUMENT',
      "no global WebSocket in this runtime: pass one, e.g. { WebSocket } from 'ws'",
    );
  }
  if (typeof o.url !== 'string' || !/^wss?:\/\//i.test(o.url)) {
    throw new ParleyError('INVALID_ARGUMENT', 'url must be a ws:// or wss:// URL');
  }
  if (typeof o.userId !== 'string' || o.userId.length === 0) {
    throw new ParleyError('INVALID_ARGUMENT', 'userId is required');
  }
  const globalFetch = (globalThis as { fetch?: FetchLike }).fetch;
  const heartbeatIntervalMs = positive(o.heartbeatIntervalMs, HEARTBEAT_INTERVAL_MS - 5_000);
  return {
    url: o.url,
    userId: o.userId,
    getToken: o.getToken,
    WebSocket: WebSocketClass,
    // the global fetch must be called unbound from an object, so bind it to globalThis
    fetch: o.fetch ?? (globalFetch ? globalFetch.bind(globalThis) : undefined),
    httpBase: (o.httpBase ?? httpBaseOf(o.url)).replace(/\/+$/, ''),
    outbox: o.outbox ?? new MemoryOutbox(),
    heartbeatIntervalMs,
    deadTimeoutMs: positive(o.deadTimeoutMs, heartbeatIntervalMs * 2),
    reconnectBaseMs: positive(o.reconnectBaseMs, 500),
    reconnectMaxMs: positive(o.reconnectMaxMs, 30_000),
    requestTimeoutMs: positive(o.requestTimeoutMs, 20_000),
    idLowWater: positive(o.idLowWater, 5),
    seenIdsCapacity: positive(o.seenIdsCapacity, 10_000),
    maxFrameBytes: positive(o.maxFrameBytes, 64 * 1024),
    answerPings: o.answerPings ?? true,
    confirmDelayMs: nonNegative(o.confirmDelayMs, 200, 'confirmDelayMs'),
    closeTimeoutMs: 2_000,
    maxFramesPerSecond: o.maxFramesPerSecond === 0 ? 0 : positive(o.maxFramesPerSecond, 50),
    since: cursor(o.since),
    noticesSince: cursor(o.noticesSince, 'noticesSince'),
  };
}

function positive(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ParleyError('INVALID_ARGUMENT', `expected a positive number, got ${String(value)}`);
  }
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ParleyError(
      'INVALID_ARGUMENT',
      `${name} must be a non-negative finite number, got ${String(value)}`,
    );
  }
  return value;
}

function cursor(value: number | undefined, name = 'since'): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ParleyError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}
