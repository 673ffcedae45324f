#!/usr/bin/env node
import { type ServerConfig, startServer } from '@parley/server';

/**
 * Starts Parley through its exported startServer(), reading the same environment variables as
 * packages/server/dist/main.js. The harness uses it only when main.js does not accept the rate
 * limit settings (MAX_FRAMES_PER_SECOND=0 and friends, documented in docs/operations.md), which a
 * benchmark must turn off: its simulated users send thousands of messages a second each.
 */
const env = process.env;
const int = (key: string, fallback: number) => {
  const raw = env[key];
  return raw === undefined || raw === '' ? fallback : Number(raw);
};

const config: Partial<ServerConfig> = {
  host: env.HOST || '127.0.0.1',
  port: int('PORT', 0),
  dataDir: env.DATA_DIR || './data',
  logLevel: env.LOG_LEVEL || 'warn',
  sqliteSync: env.SQLITE_SYNC === 'full' ? 'full' : 'normal',
  heartbeatIntervalMs: int('HEARTBEAT_INTERVAL_MS', 30_000),
  framesPerSecond: int('MAX_FRAMES_PER_SECOND', 100),
  userFramesPerSecond: int('MAX_USER_FRAMES_PER_SECOND', 200),
  maxConnectionsPerUser: int('MAX_CONNECTIONS_PER_USER', 20),
  idBatchesPerMinute: int('MAX_ID_BATCHES_PER_MINUTE', 300),
  maxPendingConnectionsPerIp: int('MAX_PENDING_CONNECTIONS_PER_IP', 16),
};

const server = await startServer(config);
process.stdout.write(`Parley listening on ${server.url} (started by the bench launcher)\n`);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
