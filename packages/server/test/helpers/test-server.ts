import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import type WebSocket from 'ws';
import type { ServerConfig } from '../../src/config/config.js';
import { type ParleyServer, type ServerParts, startServer } from '../../src/server.js';
import { TestClient } from './test-client.js';

export interface TestServer {
  server: ParleyServer;
  dataDir: string;
  wsUrl: string;
  /** A raw WebSocket client, closed after the test. */
  client(options?: WebSocket.ClientOptions): Promise<TestClient>;
  /** A client that has completed action 1 as `userId` (`confirms`: see TestClient.connect). */
  connect(userId: string, opts?: { confirms?: boolean }): Promise<TestClient>;
  /** Stops the server (the data folder stays until the test ends). */
  stop(): Promise<void>;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Registers something to undo after the current test. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

export function tempDir(prefix = 'parley-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a real server on port 0 with a fresh data folder; everything is closed after the test. */
export async function startTestServer(
  config: Partial<ServerConfig> = {},
  parts: ServerParts = {},
  dataDir = tempDir(),
): Promise<TestServer> {
  const server = await startServer(
    { port: 0, dataDir, ...config },
    { log: pino({ level: 'silent' }), ...parts },
  );
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close();
  };
  onCleanup(stop);
  const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws`;
  const client = async (options?: WebSocket.ClientOptions) => {
    const c = await TestClient.open(wsUrl, options);
    onCleanup(() => c.close());
    return c;
  };
  return {
    server,
    dataDir,
    wsUrl,
    client,
    connect: async (userId: string, opts?: { confirms?: boolean }) => {
      const c = await client();
      await c.connect(userId, opts);
      return c;
    },
    stop,
  };
}
