import net from 'node:net';
import WebSocket from 'ws';
import { onCleanup } from '../../server/test/helpers/test-server.js';
import { type ClientEvents, type ClientOptions, ParleyClient, type ReceivedMessage } from '../src/index.js';
import type { WebSocketConstructor } from '../src/transport.js';

/** Options that make tests fast: short backoff, quick failure of lost answers. */
export const FAST: Partial<ClientOptions> = {
  reconnectBaseMs: 10,
  reconnectMaxMs: 200,
  requestTimeoutMs: 5_000,
};

/** A client for `userId` on `wsUrl`, closed after the test (not yet connected). */
export function makeClient(wsUrl: string, userId: string, opts: Partial<ClientOptions> = {}): ParleyClient {
  const client = new ParleyClient({ url: wsUrl, userId, WebSocket, ...FAST, ...opts });
  onCleanup(() => client.close());
  return client;
}

/** A connected client. */
export async function connectClient(
  wsUrl: string,
  userId: string,
  opts: Partial<ClientOptions> = {},
): Promise<ParleyClient> {
  const client = makeClient(wsUrl, userId, opts);
  await client.connect();
  return client;
}

/** The next event of a kind matching `match`; fails after `timeoutMs` (a safety net, not a wait). */
export function nextEvent<K extends keyof ClientEvents>(
  client: ParleyClient,
  event: K,
  match: (payload: ClientEvents[K]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no '${String(event)}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(event, (payload) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Resolves when the client reaches `state`. */
export function reach(client: ParleyClient, state: ParleyClient['state']): Promise<unknown> {
  if (client.state === state) return Promise.resolve();
  return nextEvent(client, 'state', (s) => s.state === state);
}

/** Records every payload of an event. */
export function record<K extends keyof ClientEvents>(client: ParleyClient, event: K): ClientEvents[K][] {
  const list: ClientEvents[K][] = [];
  client.on(event, (p) => list.push(p));
  return list;
}

/** Records messages and resolves `until(n)` once n have arrived. */
export function inbox(client: ParleyClient): {
  messages: ReceivedMessage[];
  texts: () => string[];
  until: (n: number, timeoutMs?: number) => Promise<void>;
} {
  const messages: ReceivedMessage[] = [];
  let waiters: { n: number; resolve: () => void }[] = [];
  client.on('message', (m) => {
    messages.push(m);
    for (const w of waiters.filter((w) => messages.length >= w.n)) w.resolve();
    waiters = waiters.filter((w) => messages.length < w.n);
  });
  return {
    messages,
    texts: () => messages.map((m) => m.chatMsg.message),
    until: (n, timeoutMs = 10_000) =>
      messages.length >= n
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`only ${messages.length} of ${n} messages within ${timeoutMs} ms`)),
              timeoutMs,
            );
            waiters.push({
              n,
              resolve: () => {
                clearTimeout(timer);
                resolve();
              },
            });
          }),
  };
}

export interface TcpProxy {
  port: number;
  wsUrl: string;
  /** Existing connections stop forwarding both ways, sockets stay open (a silent dead link). */
  freeze(): void;
  /** Existing connections stop forwarding client → server; server → client still flows. */
  holdUpstream(): void;
  /** Existing connections stop forwarding server → client; client → server still flows. */
  holdDownstream(): void;
  /** Cuts every existing connection. */
  dropAll(): void;
}

/** A TCP proxy to 127.0.0.1:targetPort; new connections always forward normally. */
export async function startProxy(targetPort: number): Promise<TcpProxy> {
  const pipes = new Set<{ up: boolean; down: boolean; end: () => void }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pipe = {
      up: true,
      down: true,
      end: () => {
        client.destroy();
        upstream.destroy();
        pipes.delete(pipe);
      },
    };
    pipes.add(pipe);
    client.on('data', (d) => pipe.up && upstream.write(d));
    upstream.on('data', (d) => pipe.down && client.write(d));
    for (const s of [client, upstream]) {
      s.on('close', pipe.end);
      s.on('error', pipe.end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  onCleanup(async () => {
    for (const p of [...pipes]) p.end();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    freeze: () => {
      for (const p of pipes) p.up = p.down = false;
    },
    holdUpstream: () => {
      for (const p of pipes) p.up = false;
    },
    holdDownstream: () => {
      for (const p of pipes) p.down = false;
    },
    dropAll: () => {
      for (const p of [...pipes]) p.end();
    },
  };
}

/** A frame the client wrote, as recorded by `recordingWebSocket`. */
// biome-ignore lint/suspicious/noExplicitAny: frames under test are inspected loosely on purpose
export type WrittenFrame = Record<string, any>;

/**
 * A `ws` WebSocket class that records every frame a client writes (parsed), to pass as the
 * `WebSocket` option; `until(cond)` resolves once `cond(sent)` holds after a write.
 */
export function recordingWebSocket(): {
  WebSocket: WebSocketConstructor;
  sent: WrittenFrame[];
  until: (cond: (sent: WrittenFrame[]) => boolean, timeoutMs?: number) => Promise<void>;
} {
  const sent: WrittenFrame[] = [];
  let waiters: (() => void)[] = [];
  class RecordingWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      const send = this.send.bind(this);
      this.send = ((data: string) => {
        sent.push(JSON.parse(data) as WrittenFrame);
        send(data);
        for (const w of waiters.splice(0)) w();
      }) as WebSocket['send'];
    }
  }
  const until = (cond: (sent: WrittenFrame[]) => boolean, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== check);
        reject(new Error(`the client did not write the expected frames within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!cond(sent)) {
          waiters.push(check);
          return;
        }
        clearTimeout(timer);
        resolve();
      };
      check();
    });
  return { WebSocket: RecordingWebSocket, sent, until };
}

/** Receipt confirmations among written frames: action 22, and action 4 status 1. */
export function confirmationsIn(sent: readonly WrittenFrame[]): WrittenFrame[] {
  return sent.filter((f) => f.action === '22' || (f.action === '4' && f.chatMsg?.status === 1));
}
