/**
 * The smallest WebSocket and fetch surfaces the SDK needs, so that the browser's globals, the `ws`
 * package in Node 20 and thin adapters for other runtimes (mini programs, React Native) all fit.
 * Handlers are assigned as `on*` properties, which every one of them supports.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** Optional immediate teardown (Node `ws`): used when the connection is found dead. */
  terminate?: () => void;
  // The handlers take `never` so that any implementation's own event types are accepted; the SDK
  // reads only `data` of message events and `code`/`reason` of close events.
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

/** A WebSocket class: the global `WebSocket`, or `WebSocket` from the `ws` package. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface MessageEventLike {
  data: unknown;
}
export interface CloseEventLike {
  code: number;
  reason?: string;
}

/** The bodies the SDK uploads. */
export type UploadBody = Blob | ArrayBuffer | Uint8Array<ArrayBuffer>;

export interface FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}

/** The global `fetch` (browsers, Node 18+) or any function with the same shape. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: UploadBody },
) => Promise<FetchResponseLike>;

export const WS_OPEN = 1;

/** `ws://host:port/ws` → `http://host:port` (and wss → https). No URL class: not every runtime has it. */
export function httpBaseOf(wsUrl: string): string {
  const http = wsUrl.replace(/^ws(s?):\/\//i, 'http$1://');
  return http
    .replace(/[?#].*$/, '')
    .replace(/\/ws\/?$/, '')
    .replace(/\/+$/, '');
}
