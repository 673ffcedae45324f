import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Conn, ConnHandlers } from '../src/load/drivers/driver.js';
import { wsClientOf } from '../src/load/drivers/parley.js';
import { rawWsDriver } from '../src/load/drivers/raw-ws.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A ws server on port 0; `onConn` gets each server-side socket. */
async function wsServer(onConn: (ws: WebSocket) => void): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
  wss.on('connection', onConn);
  await once(wss, 'listening');
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  );
  return `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ws?user=a`;
}

/** What a connection received, with a way to wait for the next text or its end. */
function recorder() {
  const texts: string[] = [];
  let closed: string | undefined;
  let wake = () => {};
  const changed = () => new Promise<void>((resolve) => (wake = resolve));
  const handlers: ConnHandlers = {
    frame: () => {
      throw new Error('the driver must hand text to `text` when given');
    },
    text: (s) => {
      texts.push(s);
      wake();
    },
    closed: (reason) => {
      closed = reason;
      wake();
    },
  };
  return {
    handlers,
    texts,
    closedReason: () => closed,
    async until(f: () => boolean) {
      while (!f()) await changed();
    },
  };
}

async function open(url: string, rec: ReturnType<typeof recorder>): Promise<Conn> {
  const conn = await rawWsDriver.open(url, '127.0.0.1', rec.handlers);
  closers.push(() => conn.drop());
  return conn;
}

describe("the generator's minimal WebSocket client", () => {
  it('exchanges text frames of every length encoding with a ws server, in order', async () => {
    const got: string[] = [];
    // the server only upgrades requests for /ws: the client sends the URL's path (and query)
    const url = await wsServer((ws) => {
      ws.on('message', (data, isBinary) => {
        got.push(isBinary ? 'binary!' : data.toString());
        ws.send(data.toString()); // echo as text
      });
    });
    const rec = recorder();
    const conn = await open(url, rec);
    const texts = ['{"action":"5"}', 'é'.repeat(100), 'x'.repeat(70_000), 'y'.repeat(125), 'z'.repeat(126)];
    for (const t of texts) conn.sendText!(t);
    conn.send({ action: '5', fromId: 'a' } as never);
    await rec.until(() => rec.texts.length === texts.length + 1);
    expect(got).toEqual([...texts, '{"action":"5","fromId":"a"}']);
    expect(rec.texts).toEqual(got);
  });

  it('reassembles a fragmented message and answers pings with their payload', async () => {
    let pong: Buffer | undefined;
    const url = await wsServer((ws) => {
      ws.on('pong', (data) => {
        pong = data;
        ws.send('after the pong');
      });
      ws.send('frag', { fin: false });
      ws.send('men', { fin: false });
      ws.send('ted', { fin: true });
      ws.ping(Buffer.from('nonce-42'));
    });
    const rec = recorder();
    await open(url, rec);
    await rec.until(() => rec.texts.length === 2);
    expect(rec.texts).toEqual(['fragmented', 'after the pong']);
    expect(pong?.toString()).toBe('nonce-42');
  });

  it("reports the server's close code, and a connection lost without one", async () => {
    const url = await wsServer((ws) => {
      ws.on('message', (data) => {
        if (data.toString() === 'close') ws.close(4001, 'bye');
        else ws.terminate();
      });
    });
    const polite = recorder();
    (await open(url, polite)).sendText!('close');
    await polite.until(() => polite.closedReason() !== undefined);
    expect(polite.closedReason()).toBe('close 4001');

    const dropped = recorder();
    (await open(url, dropped)).sendText!('drop');
    await dropped.until(() => dropped.closedReason() !== undefined);
    expect(dropped.closedReason()).toBe('connection lost');
  });

  it('closes politely: the server sees close code 1000', async () => {
    let code: number | undefined;
    let done = () => {};
    const seen = new Promise<void>((resolve) => (done = resolve));
    const url = await wsServer((ws) => {
      ws.on('close', (c) => {
        code = c;
        done();
      });
    });
    const conn = await open(url, recorder());
    conn.close();
    await seen;
    expect(code).toBe(1000);
  });

  it('refuses a server that does not upgrade, and one that answers with the wrong accept value', async () => {
    const http = await rawServer((sock) => {
      sock.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    });
    await expect(rawWsDriver.open(http, '127.0.0.1', recorder().handlers)).rejects.toThrow(
      /handshake refused: HTTP\/1.1 404/,
    );
    const liar = await rawServer((sock) => {
      sock.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n');
      sock.write('Sec-WebSocket-Accept: bm90IHRoZSByaWdodCBvbmU=\r\n\r\n');
    });
    await expect(rawWsDriver.open(liar, '127.0.0.1', recorder().handlers)).rejects.toThrow(
      /wrong Sec-WebSocket-Accept/,
    );
  });

  it('drops a server that breaks the protocol after the handshake, and says why', async () => {
    const url = await rawServer((sock, key) => {
      sock.write(upgradeReply(key));
      sock.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0x7b, 0x7d])); // a masked frame from a server
    });
    const rec = recorder();
    await open(url, rec);
    await rec.until(() => rec.closedReason() !== undefined);
    expect(rec.closedReason()).toBe('protocol error: a masked frame from the server');
  });

  it('reads frames split across TCP chunks at any byte', async () => {
    const frame = Buffer.concat([Buffer.from([0x81, 126, 0, 200]), Buffer.from('q'.repeat(200))]);
    const url = await rawServer(async (sock, key) => {
      sock.setNoDelay(true);
      sock.write(Buffer.concat([upgradeReply(key), frame.subarray(0, 1)])); // handshake and a byte together
      for (let i = 1; i < frame.length; i += 37) {
        sock.write(frame.subarray(i, i + 37));
        await new Promise((resolve) => setImmediate(resolve));
      }
      sock.write(Buffer.concat([frame, frame])); // two frames in one chunk
    });
    const rec = recorder();
    await open(url, rec);
    await rec.until(() => rec.texts.length === 3);
    expect(rec.texts).toEqual(['q'.repeat(200), 'q'.repeat(200), 'q'.repeat(200)]);
  });

  it('takes its choice of client from BENCH_WS_CLIENT, and refuses an unknown one', () => {
    expect(wsClientOf({})).toBe('raw');
    expect(wsClientOf({ BENCH_WS_CLIENT: 'ws' })).toBe('ws');
    expect(() => wsClientOf({ BENCH_WS_CLIENT: 'uws' })).toThrow(/must be raw or ws/);
  });
});

/** A TCP server that reads the client's handshake and hands the socket and key to `onConn`. */
async function rawServer(onConn: (sock: Socket, key: string) => void | Promise<void>): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      sock.off('data', onData);
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
      void onConn(sock, key);
    };
    sock.on('data', onData);
    sock.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return `ws://127.0.0.1:${(server.address() as { port: number }).port}/ws`;
}

function upgradeReply(key: string): Buffer {
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  return Buffer.from(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
}
