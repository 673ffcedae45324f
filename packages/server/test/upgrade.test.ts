import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers/test-server.js';

/** Sends a WebSocket upgrade request for `path` on a raw socket and resets the connection at once. */
function upgradeAndReset(port: number, path: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        () => socket.resetAndDestroy(),
      );
    });
    socket.on('error', () => {}); // the reset is ours
    socket.on('close', () => resolve());
  });
}

/** The status line the server answers an upgrade request for `path` with. */
function upgradeStatus(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
    });
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      const eol = text.indexOf('\r\n');
      if (eol >= 0) {
        resolve(text.slice(0, eol));
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

describe('upgrade requests', () => {
  it('answers an upgrade to another path with 404', async () => {
    const t = await startTestServer();
    expect(await upgradeStatus(t.server.port, '/nope')).toBe('HTTP/1.1 404 Not Found');
  });

  it('survives upgrades to another path that are reset at once', async () => {
    const t = await startTestServer();
    for (let i = 0; i < 100; i++) await upgradeAndReset(t.server.port, '/nope');
    const a = await t.connect('alice');
    expect((await a.say('alice', 'still up')).ack.action).toBe('4');
  });

  it('survives refused upgrades (no room) that are reset at once', async () => {
    const t = await startTestServer({ maxConnections: 1 });
    const a = await t.connect('alice');
    expect(await upgradeStatus(t.server.port, '/ws')).toBe('HTTP/1.1 503 Service Unavailable');
    for (let i = 0; i < 100; i++) await upgradeAndReset(t.server.port, '/ws');
    expect((await a.say('alice', 'still up')).ack.action).toBe('4');
  });
});
