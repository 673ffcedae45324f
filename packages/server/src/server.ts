import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CloseCode } from '@parley/protocol';
import type { Logger } from 'pino';
import type { Bus } from './bus/bus.js';
import { LocalBus } from './bus/local/local-bus.js';
import { defaultConfig, type ServerConfig } from './config/config.js';
import { ChatCore } from './core/chat-core.js';
import type { FileStore } from './files/file-store.js';
import { LocalFileStore } from './files/local-file-store.js';
import { WsGateway } from './gateway/ws-gateway.js';
import { addAdminRoutes } from './http/admin-routes.js';
import { addFileRoutes } from './http/file-routes.js';
import { sendJson } from './http/http-error.js';
import { createHttpServer } from './http/http-server.js';
import { HttpRouter } from './http/router.js';
import { createLogger } from './log.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';

export interface ParleyServer {
  /** `http://host:port`; the WebSocket endpoint is `ws://host:port/ws`. */
  readonly url: string;
  readonly port: number;
  readonly core: ChatCore;
  /** Stops accepting, finishes pending writes, closes sockets with 1001, closes the store. */
  close(): Promise<void>;
}

export interface ServerParts {
  store?: Store;
  bus?: Bus;
  files?: FileStore;
  log?: Logger;
}

/** Builds and starts a server: the composition root of store, bus, core, gateway and HTTP. */
export async function startServer(
  overrides: Partial<ServerConfig> = {},
  parts: ServerParts = {},
): Promise<ParleyServer> {
  const config: ServerConfig = { ...defaultConfig, ...overrides };
  const log = parts.log ?? createLogger(config.logLevel);
  const store = parts.store ?? new SqliteStore({ dataDir: config.dataDir, synchronous: config.sqliteSync });
  const bus = parts.bus ?? new LocalBus();
  const core = new ChatCore({
    store,
    bus,
    log,
    config: {
      timeZone: config.timeZone,
      maxMessageBytes: config.maxMessageBytes,
      recallWindowMs: config.recallWindowMs,
      open: true,
    },
  });
  await core.start();

  const gateway = new WsGateway(
    core,
    {
      path: '/ws',
      maxFrameBytes: config.maxFrameBytes,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      maxBufferedBytes: config.maxBufferedBytes,
    },
    log,
  );
  const router = new HttpRouter();
  router.on('GET', '/healthz', async (_req, res) => {
    sendJson(res, 200, { ok: true, connections: gateway.connectionCount });
  });
  addAdminRoutes(router, store, { adminKey: config.adminKey, bodyLimit: config.maxBodyBytes });
  addFileRoutes(router, parts.files ?? new LocalFileStore(path.join(config.dataDir, 'files')), {
    maxUploadBytes: config.maxUploadBytes,
    publicUrl: config.publicUrl,
    identify: async () => undefined,
  });
  const http = createHttpServer(router, log);
  http.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  await listen(http, config.host, config.port);

  const { port } = http.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    core,
    close: () => {
      closing ??= (async () => {
        const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
        await gateway.close();
        http.closeAllConnections();
        await httpClosed;
        await core.stop();
        await bus.close();
        await store.close();
        log.info({ code: CloseCode.GoingAway }, 'server stopped');
        log.flush();
      })();
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
