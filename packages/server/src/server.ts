import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CloseCode } from '@parley/protocol';
import type { Logger } from 'pino';
import { TokenAuthenticator } from './auth/token-authenticator.js';
import { TokenService } from './auth/tokens.js';
import type { Bus } from './bus/bus.js';
import { LocalBus } from './bus/local/local-bus.js';
import { RedisBus } from './bus/redis/redis-bus.js';
import { ConfigError } from './config/cli.js';
import { defaultConfig, type ServerConfig } from './config/config.js';
import { revoked } from './core/authenticator.js';
import { ChatCore } from './core/chat-core.js';
import { type Clock, systemClock } from './core/clock.js';
import { type DataDirLock, lockDataDir } from './datadir/lock.js';
import type { FileStore } from './files/file-store.js';
import { LocalFileStore } from './files/local-file-store.js';
import { connectionCeiling, readFdLimit } from './gateway/fd-limit.js';
import { WsGateway } from './gateway/ws-gateway.js';
import { addAdminGroupRoutes } from './http/admin-group-routes.js';
import { addAdminRoutes } from './http/admin-routes.js';
import { bearer } from './http/bearer.js';
import { CorsPolicy } from './http/cors.js';
import { addFileRoutes } from './http/file-routes.js';
import { createHttpApp } from './http/http-app.js';
import { HttpError, sendJson } from './http/http-error.js';
import { addServerApi } from './http/server-api.js';
import { addStaticRoutes, webClientSettings } from './http/static-routes.js';
import { addTokenRoutes } from './http/token-routes.js';
import { createLogger, flushLogger } from './log/logger.js';
import { addMetricsRoute } from './metrics/metrics-route.js';
import { PrometheusMetrics } from './metrics/prometheus-metrics.js';
import type { RetentionSweeper } from './retention/retention-sweeper.js';
import { DatabaseStartError, PostgresStore } from './store/postgres/postgres-store.js';
import { sqliteMetrics } from './store/sqlite/sqlite-metrics.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';
import { type DispatcherTiming, setupWebhooks, webhookConfig } from './webhooks/setup.js';

export interface ParleyServer {
  /** `http://host:port`; the WebSocket endpoint is `ws://host:port/ws`. */
  readonly url: string;
  readonly port: number;
  readonly core: ChatCore;
  /** Data retention (RETENTION_*): `sweep()` runs one sweep now. */
  readonly retention: RetentionSweeper;
  /** The HTTP routes, as `METHOD /path` (each is in the OpenAPI document at `/openapi.json`). */
  readonly httpRoutes: readonly string[];
  /** Stops accepting, finishes pending writes, closes sockets with 1001, closes the store. */
  close(): Promise<void>;
}

export interface ServerParts {
  store?: Store;
  bus?: Bus;
  files?: FileStore;
  log?: Logger;
  /** Time for the core's rules and quotas (tests move it); the system clock when not given. */
  clock?: Clock;
  /** Shorter retry and poll timings of the webhook dispatcher (tests). */
  webhookTiming?: DispatcherTiming;
}

/** Builds and starts a server: the composition root of store, bus, core, gateway and HTTP. */
export async function startServer(
  overrides: Partial<ServerConfig> = {},
  parts: ServerParts = {},
): Promise<ParleyServer> {
  const config: ServerConfig = { ...defaultConfig, ...overrides };
  const log = parts.log ?? createLogger(config.logLevel);
  const tokens = config.appSecret === undefined ? undefined : new TokenService(config.appSecret);
  if (!tokens && !config.insecureOpen && !isLoopback(config.host)) {
    throw new ConfigError(
      `refusing to listen on ${config.host} in open mode (anyone could connect as anyone): ` +
        'set APP_SECRET, listen on a loopback address, or pass --insecure-open',
    );
  }
  // one server per SQLite file; the nodes of a cluster (PostgreSQL) may share a data folder for files
  const lock =
    config.dataDir === ':memory:' || config.databaseUrl !== undefined
      ? undefined
      : lockDataDir(config.dataDir);
  let opened: Store | undefined;
  try {
    if (!parts.store && config.databaseUrl !== undefined) {
      opened = await openPostgres(config.databaseUrl, config.databaseSchema, log);
    }
    return await assemble(config, opened ? { ...parts, store: opened } : parts, log, tokens, lock);
  } catch (err) {
    await opened?.close().catch(() => {});
    lock?.release();
    throw err;
  }
}

/** The cluster store; a database that cannot be reached or migrated stops the start (exit code 2). */
async function openPostgres(connectionString: string, schema: string, log: Logger): Promise<Store> {
  try {
    const store = await PostgresStore.open({
      connectionString,
      schema,
      onIdleError: (err) => log.warn({ err }, 'an idle PostgreSQL connection failed; it will be replaced'),
    });
    log.info({ schema }, 'store: PostgreSQL');
    return store;
  } catch (err) {
    if (err instanceof DatabaseStartError) throw new ConfigError(`DATABASE_URL: ${err.message}`);
    throw err;
  }
}

async function assemble(
  config: ServerConfig,
  parts: ServerParts,
  log: Logger,
  tokens: TokenService | undefined,
  lock: DataDirLock | undefined,
): Promise<ParleyServer> {
  const hooks = webhookConfig(config);
  const store =
    parts.store ??
    new SqliteStore({
      dataDir: config.dataDir,
      synchronous: config.sqliteSync,
      checkpointIntervalMs: config.sqliteCheckpointMs,
      writer: config.sqliteWriter,
      log,
    });
  // the SQLite writer thread takes the first write (action 1's) only once it has opened the file
  if (store instanceof SqliteStore) await store.opened();
  const bus = parts.bus ?? selectBus(config, log);
  const metrics = new PrometheusMetrics();
  if (store instanceof SqliteStore && store.walFile) sqliteMetrics(metrics.registry, store.walFile);
  const clock = parts.clock ?? systemClock;
  const webhooks = hooks && setupWebhooks(config, hooks, store, log, clock, parts.webhookTiming);
  if (!tokens) {
    log.warn(
      { host: config.host },
      'OPEN MODE: no APP_SECRET, so anyone who can reach this server can connect as any user',
    );
  }
  const core = new ChatCore({
    store,
    bus,
    log,
    metrics,
    ...(parts.clock && { clock: parts.clock }),
    ...(tokens && { auth: new TokenAuthenticator(tokens) }),
    ...webhooks?.coreDeps,
    ...(tokens && { auth: new TokenAuthenticator(tokens, (userId) => store.tokensValidFrom(userId)) }),
    config: {
      timeZone: config.timeZone,
      maxMessageBytes: config.maxMessageBytes,
      recallWindowMs: config.recallWindowMs,
      maxConnectionsPerUser: config.maxConnectionsPerUser,
      idBatchesPerMinute: config.idBatchesPerMinute,
      maxPendingFriendRequests: config.maxPendingFriendRequests,
      reservationTtlMs: config.reservationTtlMs,
      maxReservedIds: config.maxReservedIds,
      maxPendingMessages: config.maxPendingMessages,
      maxGroupMembers: config.maxGroupMembers,
      noticeRetentionMs: config.noticeRetentionMs,
      friendRequestCooldownMs: config.friendRequestCooldownMs,
      maxHistoryPageBytes: config.maxHistoryPageBytes,
      presenceScope: config.presenceScope,
      maxUploadBytesPerDay: config.maxUploadBytesPerDay,
      maxQueuedFrames: config.maxQueuedFrames,
      replayStallMs: config.replayStallMs,
      // live deliveries held during a replay are bounded like unsent bytes
      maxHeldBytes: config.maxBufferedBytes,
      roomRecentMessages: config.roomRecentMessages,
      maxRoomsPerConnection: config.maxRoomsPerConnection,
      commitGapMs: config.commitGapMs,
    },
  });
  try {
    // a RedisBus connects here: a Redis that cannot be reached stops the start, naming the URL
    await core.start();
  } catch (err) {
    // what this function made, it closes; parts handed in stay the caller's
    if (!parts.bus) await bus.close().catch(() => {});
    if (!parts.store) await store.close().catch(() => {});
    throw err;
  }

  const fdLimit = readFdLimit();
  const ceiling = connectionCeiling(fdLimit);
  const maxConnections = config.maxConnections > 0 ? config.maxConnections : ceiling;
  log.info(
    { fdLimit: fdLimit ?? 'unknown', connectionCeiling: ceiling, maxConnections },
    'open-file limit and connection ceiling',
  );
  if (maxConnections > ceiling)
    log.warn(
      { maxConnections, connectionCeiling: ceiling },
      'MAX_CONNECTIONS is above what the open-file limit allows; raise ulimit -n',
    );
  const gateway = new WsGateway(
    core,
    {
      path: '/ws',
      maxFrameBytes: config.maxFrameBytes,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      maxBufferedBytes: config.maxBufferedBytes,
      framesPerSecond: config.framesPerSecond,
      userFramesPerSecond: config.userFramesPerSecond,
      authTimeoutMs: config.authTimeoutMs,
      maxConnections,
      maxPendingConnectionsPerIp: config.maxPendingConnectionsPerIp,
    },
    log,
    metrics,
  );
  metrics.countConnections(() => gateway.connectionCount);
  const {
    app,
    fallback,
    routes: httpRoutes,
  } = await createHttpApp(log, new CorsPolicy(config.corsOrigins), {
    bodyLimit: config.maxBodyBytes,
  });
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness, with the number of open WebSocket connections',
        response: {
          200: {
            type: 'object',
            required: ['ok', 'connections'],
            properties: { ok: { type: 'boolean' }, connections: { type: 'integer' } },
          },
        },
      },
    },
    async (_req, reply) => sendJson(reply, 200, { ok: true, connections: gateway.connectionCount }),
  );
  const admin = {
    adminKey: config.adminKey,
    requireKey: tokens !== undefined,
    bodyLimit: config.maxBodyBytes,
  };
  addAdminRoutes(app, store, core.users, admin);
  addAdminGroupRoutes(app, core, admin);
  const files = parts.files ?? new LocalFileStore(path.join(config.dataDir, 'files'));
  const api = addServerApi(app, core, files, config, admin, log);
  addMetricsRoute(app, metrics, { adminKey: config.adminKey, requireKey: tokens !== undefined });
  addTokenRoutes(app, tokens, { appSecret: config.appSecret });
  const baseUrl = { value: config.publicUrl ?? '' };
  addFileRoutes(app, api.files, {
    maxUploadBytes: config.maxUploadBytes,
    publicUrl: () => baseUrl.value,
    identify: (req) => identifyUploader(req, tokens, store),
    quota: core.uploads,
  });
  fallback(
    addStaticRoutes(
      app,
      webClientSettings(config, () => baseUrl.value),
      log,
    ),
  );
  await app.ready();
  // the WebSocket shares the port: upgrades go to ws on the node server, Fastify never sees them
  const http = app.server;
  http.on('upgrade', (req, socket, head) => {
    try {
      gateway.handleUpgrade(req, socket, head);
    } catch (err) {
      log.error({ err, remote: req.socket.remoteAddress }, 'upgrade failed');
      socket.destroy();
    }
  });
  await listen(http, config.host, config.port);
  webhooks?.start(metrics);

  const { port } = http.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  if (!baseUrl.value) {
    baseUrl.value = `http://${linkHost(config.host)}:${port}`;
    if (!isLoopback(config.host))
      log.warn({ links: baseUrl.value }, 'PUBLIC_URL is unset: file links name this address; set PUBLIC_URL');
  }
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    core,
    retention: api.retention,
    httpRoutes,
    close: () => {
      closing ??= (async () => {
        // stop accepting; let the writes in flight commit and their acks go out; then close sockets
        const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
        gateway.stopAccepting();
        await api.stop();
        await core.stop();
        await gateway.close();
        http.closeAllConnections();
        await httpClosed;
        await core.stop();
        await webhooks?.stop();
        await bus.close();
        await store.close();
        lock?.release();
        log.info({ code: CloseCode.GoingAway }, 'server stopped');
        await flushLogger(log);
      })();
      return closing;
    },
  };
}

/** The bus of the config: RedisBus in cluster mode (REDIS_URL), else the in-process one. */
function selectBus(config: ServerConfig, log: Logger): Bus {
  if (config.redisUrl === undefined) return new LocalBus();
  return new RedisBus({ url: config.redisUrl, prefix: config.redisPrefix, log });
}

/** With auth on, uploads need a user token (`Authorization: Bearer <token>`), not revoked. */
async function identifyUploader(
  req: IncomingMessage,
  tokens: TokenService | undefined,
  store: Store,
): Promise<string | undefined> {
  if (!tokens) return undefined;
  const token = bearer(req);
  if (token === undefined)
    throw new HttpError(401, 'AUTH_FAILED', 'uploads need Authorization: Bearer <user token>');
  let claims: { userId: string; issuedAtMs: number | undefined };
  try {
    claims = await tokens.verifyClaims(token);
  } catch (err) {
    throw new HttpError(401, 'AUTH_FAILED', (err as Error).message);
  }
  if (revoked(claims.issuedAtMs, await store.tokensValidFrom(claims.userId)))
    throw new HttpError(401, 'AUTH_FAILED', 'the token was revoked');
  return claims.userId;
}

/** The host of file links when PUBLIC_URL is unset: the listen address, never a request's Host header. */
function linkHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
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
