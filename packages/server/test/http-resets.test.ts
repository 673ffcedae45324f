import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { waitFor } from './helpers/wait-for.js';

/** Opens a raw TCP connection to the server, writes `head`, and resolves once it is written. */
function rawSocket(t: TestServer, head: string | Buffer): Promise<net.Socket> {
  const { port } = new URL(t.server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(head, () => resolve(socket)));
    socket.on('error', reject);
  });
}

/** The server still answers an ordinary request. */
async function healthy(t: TestServer): Promise<void> {
  const res = await fetch(`${t.server.url}/healthz`);
  expect(res.status).toBe(200);
}

describe('peers that reset their HTTP connection', () => {
  it('survive an upload reset halfway and leave no partial file behind', async () => {
    const t = await startTestServer();
    const tmp = path.join(t.dataDir, 'files', 'tmp');
    for (let i = 0; i < 10; i++) {
      const socket = await rawSocket(
        t,
        'POST /files?name=a.bin HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n' +
          'Content-Length: 1000000\r\n\r\n',
      );
      await new Promise<void>((resolve) => socket.write(randomBytes(64 * 1024), () => resolve()));
      await waitFor(() => readdirSync(tmp).length > 0, 'the upload to start');
      socket.resetAndDestroy();
      await waitFor(() => readdirSync(tmp).length === 0, 'the partial upload to be removed');
    }
    await healthy(t);
    const ok = await fetch(`${t.server.url}/files?name=b.txt`, { method: 'POST', body: 'hello' });
    expect(ok.status).toBe(201);
  });

  it('survive a download reset mid-stream', async () => {
    const t = await startTestServer();
    const up = await fetch(`${t.server.url}/files?name=big.bin`, {
      method: 'POST',
      body: randomBytes(8 * 1024 * 1024),
    });
    const { url } = (await up.json()) as { url: string };
    const file = new URL(url).pathname;
    for (let i = 0; i < 10; i++) {
      const socket = await rawSocket(t, `GET ${file} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await new Promise((resolve) => socket.once('data', resolve));
      socket.resetAndDestroy();
    }
    await healthy(t);
  });

  it('survive garbage, half-sent JSON bodies and half-sent headers followed by a reset', async () => {
    const t = await startTestServer();
    const heads = [
      'GARBAGE\r\n\r\n',
      'PUT /v1/users/alice HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"na',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: ',
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    ];
    for (let i = 0; i < 5; i++) {
      for (const head of heads) {
        const socket = await rawSocket(t, head);
        socket.resetAndDestroy();
      }
    }
    await healthy(t);
    const a = await t.connect('alice');
    a.send({ action: '5', fromId: 'alice' });
    expect(await a.nextAction('5')).toEqual({ action: '5', toId: 'alice' });
  });
});
