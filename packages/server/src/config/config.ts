import { HEARTBEAT_INTERVAL_MS, isTimeZone } from '@parley/protocol';
import { COMMIT_GAP_MS } from '../core/commit-queue.js';
import { SCHEMA_NAME } from '../store/postgres/schema/migrate.js';
import { ADMIN_OPTIONS, type AdminSettings, adminDefaults } from './admin-settings.js';
import { QUOTA_OPTIONS, type QuotaSettings, quotaDefaults } from './quota-settings.js';
import { ROOM_OPTIONS, type RoomSettings, roomDefaults } from './room-settings.js';
import { WEBHOOK_OPTIONS, type WebhookSettings, webhookDefaults } from './webhook-settings.js';

export interface ServerConfig extends RoomSettings, WebhookSettings, AdminSettings, QuotaSettings {
  host: string;
  port: number;
  dataDir: string;
  timeZone: string;
  heartbeatIntervalMs: number;
  maxFrameBytes: number;
  maxMessageBytes: number;
  maxBufferedBytes: number;
  maxBodyBytes: number;
  sqliteSync: 'normal' | 'full';
  sqliteCheckpointMs: number;
  sqliteWriter: 'thread' | 'inline';
  commitGapMs: number;
  /** Set: the store is PostgreSQL (a cluster node); unset: the SQLite file in `dataDir`. */
  databaseUrl: string | undefined;
  databaseSchema: string;
  recallWindowMs: number;
  maxUploadBytes: number;
  publicUrl: string | undefined;
  adminKey: string | undefined;
  appSecret: string | undefined;
  insecureOpen: boolean;
  corsOrigins: string | undefined;
  framesPerSecond: number;
  userFramesPerSecond: number;
  maxConnectionsPerUser: number;
  idBatchesPerMinute: number;
  presenceScope: 'contacts' | 'all';
  authTimeoutMs: number;
  maxConnections: number;
  maxPendingConnectionsPerIp: number;
  replayStallMs: number;
  maxQueuedFrames: number;
  logLevel: string;
  redisUrl: string | undefined;
  redisPrefix: string;
  /** The built web client served at `/`; unset: `packages/web/dist` of this checkout. */
  webDir: string | undefined;
  /** Token mode: where the web client asks the app's backend for a user token. */
  webTokenUrl: string | undefined;
}

type Kind = 'string' | 'int' | 'secret' | 'flag';

export interface OptionSpec {
  key: keyof ServerConfig;
  env: string;
  flag: string;
  kind: Kind;
  help: string;
  choices?: readonly string[];
  check?: (v: string) => boolean;
  min?: number;
  /** The largest value an `int` setting takes. */
  max?: number;
}

/** Every setting, with its environment variable and flag. Defaults live in `defaultConfig`. */
export const OPTIONS: readonly OptionSpec[] = [
  { key: 'host', env: 'HOST', flag: '--host', kind: 'string', help: 'address to listen on' },
  {
    key: 'port',
    env: 'PORT',
    flag: '--port',
    kind: 'int',
    min: 0,
    help: 'port to listen on (0: any free port)',
  },
  {
    key: 'dataDir',
    env: 'DATA_DIR',
    flag: '--data-dir',
    kind: 'string',
    help: 'folder for the database and files',
  },
  {
    key: 'timeZone',
    env: 'TIME_ZONE',
    flag: '--time-zone',
    kind: 'string',
    check: isTimeZone,
    help: 'IANA time zone of the `time` field, e.g. Asia/Shanghai',
  },
  {
    key: 'heartbeatIntervalMs',
    env: 'HEARTBEAT_INTERVAL_MS',
    flag: '--heartbeat-interval-ms',
    kind: 'int',
    min: 10,
    help: 'heartbeat interval; a connection silent for 3 of them is closed',
  },
  {
    key: 'maxFrameBytes',
    env: 'MAX_FRAME_BYTES',
    flag: '--max-frame-bytes',
    kind: 'int',
    min: 1024,
    help: 'largest WebSocket frame',
  },
  {
    key: 'maxMessageBytes',
    env: 'MAX_MESSAGE_BYTES',
    flag: '--max-message-bytes',
    kind: 'int',
    min: 1,
    help: 'largest chatMsg.message (UTF-8 bytes)',
  },
  {
    key: 'maxBufferedBytes',
    env: 'MAX_BUFFERED_BYTES',
    flag: '--max-buffered-bytes',
    kind: 'int',
    min: 1024,
    help: 'unsent bytes per connection before it is cut off as a slow consumer',
  },
  {
    key: 'maxBodyBytes',
    env: 'MAX_BODY_BYTES',
    flag: '--max-body-bytes',
    kind: 'int',
    min: 1024,
    help: 'largest JSON body of the HTTP API',
  },
  {
    key: 'sqliteSync',
    env: 'SQLITE_SYNC',
    flag: '--sqlite-sync',
    kind: 'string',
    choices: ['normal', 'full'],
    help: 'normal: survives a killed server; full: also survives power loss (slower)',
  },
  {
    key: 'sqliteCheckpointMs',
    env: 'SQLITE_CHECKPOINT_MS',
    flag: '--sqlite-checkpoint-ms',
    kind: 'int',
    min: 0,
    help: 'how often a worker thread checkpoints the SQLite WAL (0: SQLite checkpoints inside commits)',
  },
  {
    key: 'sqliteWriter',
    env: 'SQLITE_WRITER',
    flag: '--sqlite-writer',
    kind: 'string',
    choices: ['thread', 'inline'],
    help: 'thread: SQLite write batches run in a worker thread, beside the event loop; inline: on it',
  },
  {
    key: 'commitGapMs',
    env: 'COMMIT_GAP_MS',
    flag: '--commit-gap-ms',
    kind: 'int',
    min: 0,
    max: 100,
    help: 'least time between two group commits (fewer, larger commits under load; 0: one every event-loop turn)',
  },
  {
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    flag: '--database-url',
    kind: 'secret',
    check: (v) => /^postgres(ql)?:\/\/\S*$/.test(v),
    help: 'postgres://user:password@host:port/database: store in PostgreSQL instead of the SQLite file',
  },
  {
    key: 'databaseSchema',
    env: 'DATABASE_SCHEMA',
    flag: '--database-schema',
    kind: 'string',
    check: (v) => SCHEMA_NAME.test(v),
    help: 'PostgreSQL schema of the tables (lower-case letters, digits, _), created if missing',
  },
  {
    key: 'recallWindowMs',
    env: 'RECALL_WINDOW_MS',
    flag: '--recall-window-ms',
    kind: 'int',
    min: 0,
    help: 'how long after sending a message its sender may recall it',
  },
  {
    key: 'maxUploadBytes',
    env: 'MAX_UPLOAD_BYTES',
    flag: '--max-upload-bytes',
    kind: 'int',
    min: 1,
    help: 'largest file accepted by POST /files (413 above)',
  },
  {
    key: 'publicUrl',
    env: 'PUBLIC_URL',
    flag: '--public-url',
    kind: 'string',
    check: (v) => /^https?:\/\/\S+$/.test(v),
    help: 'base URL of file links, e.g. https://chat.example.com (default: from the Host header)',
  },
  {
    key: 'appSecret',
    env: 'APP_SECRET',
    flag: '--app-secret',
    kind: 'secret',
    check: (v) => v.length >= 32,
    help: 'turns token auth on: the secret (32+ characters) that signs user tokens',
  },
  {
    key: 'insecureOpen',
    env: 'INSECURE_OPEN',
    flag: '--insecure-open',
    kind: 'flag',
    help: 'allow open mode (no APP_SECRET) on a non-loopback address: anyone can be anyone',
  },
  {
    key: 'corsOrigins',
    env: 'CORS_ORIGINS',
    flag: '--cors-origins',
    kind: 'string',
    help: 'comma-separated origins allowed to call the HTTP API from browsers, or * (unset: none)',
  },
  {
    key: 'framesPerSecond',
    env: 'MAX_FRAMES_PER_SECOND',
    flag: '--max-frames-per-second',
    kind: 'int',
    help: 'frames per second per connection, bursts of twice that (0: unlimited)',
  },
  {
    key: 'userFramesPerSecond',
    env: 'MAX_USER_FRAMES_PER_SECOND',
    flag: '--max-user-frames-per-second',
    kind: 'int',
    help: 'frames per second per user over all its connections (0: unlimited)',
  },
  {
    key: 'maxConnectionsPerUser',
    env: 'MAX_CONNECTIONS_PER_USER',
    flag: '--max-connections-per-user',
    kind: 'int',
    help: 'open connections per user (0: unlimited)',
  },
  {
    key: 'idBatchesPerMinute',
    env: 'MAX_ID_BATCHES_PER_MINUTE',
    flag: '--max-id-batches-per-minute',
    kind: 'int',
    help: 'action 2 requests per user and minute (0: unlimited)',
  },
  {
    key: 'presenceScope',
    env: 'PRESENCE_SCOPE',
    flag: '--presence-scope',
    kind: 'string',
    choices: ['contacts', 'all'],
    help: "whom action 7 answers about: contacts (the asker's contacts and itself) or all",
  },
  {
    key: 'authTimeoutMs',
    env: 'AUTH_TIMEOUT_MS',
    flag: '--auth-timeout-ms',
    kind: 'int',
    min: 10,
    help: 'time a new connection has to complete action 1 before it is closed (4408)',
  },
  {
    key: 'maxConnections',
    env: 'MAX_CONNECTIONS',
    flag: '--max-connections',
    kind: 'int',
    min: 0,
    help: 'open connections in total, more are refused with 503 (0: from the open-file limit)',
  },
  {
    key: 'maxPendingConnectionsPerIp',
    env: 'MAX_PENDING_CONNECTIONS_PER_IP',
    flag: '--max-pending-connections-per-ip',
    kind: 'int',
    min: 0,
    help: 'connections per client address (IPv6: per /64) not past action 1 yet, more get 503 (0: unlimited)',
  },
  {
    key: 'replayStallMs',
    env: 'REPLAY_STALL_MS',
    flag: '--replay-stall-ms',
    kind: 'int',
    min: 10,
    help: 'a backlog replay that makes no progress this long (the client does not read) drops the connection',
  },
  {
    key: 'maxQueuedFrames',
    env: 'MAX_QUEUED_FRAMES',
    flag: '--max-queued-frames',
    kind: 'int',
    min: 1,
    help: 'frames a connection may have waiting while action 1 replays its backlog; then reading pauses',
  },
  {
    key: 'adminKey',
    env: 'ADMIN_KEY',
    flag: '--admin-key',
    kind: 'secret',
    help: 'bearer key for the admin HTTP API (unset: open in open mode, off with APP_SECRET)',
  },
  {
    key: 'logLevel',
    env: 'LOG_LEVEL',
    flag: '--log-level',
    kind: 'string',
    choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
    help: 'log level (logs are JSON lines on stderr)',
  },
  {
    key: 'redisUrl',
    env: 'REDIS_URL',
    flag: '--redis-url',
    kind: 'string',
    check: (v) => /^rediss?:\/\/\S+$/.test(v),
    help: 'cluster mode: redis://[user:password@]host:port[/db] routes and tracks presence across nodes',
  },
  {
    key: 'redisPrefix',
    env: 'REDIS_PREFIX',
    flag: '--redis-prefix',
    kind: 'string',
    check: (v) => v.length > 0 && !/\s/.test(v),
    help: 'prefix of every Redis key and channel, so deployments can share a Redis',
  },
  ...ADMIN_OPTIONS,
  ...QUOTA_OPTIONS,
  ...ROOM_OPTIONS,
  {
    key: 'webDir',
    env: 'WEB_DIR',
    flag: '--web-dir',
    kind: 'string',
    help: 'folder of the built web client served at / (default: packages/web/dist of this checkout)',
  },
  {
    key: 'webTokenUrl',
    env: 'WEB_TOKEN_URL',
    flag: '--web-token-url',
    kind: 'string',
    check: (v) => /^(https?:\/\/\S+|\/\S*)$/.test(v),
    help: 'with APP_SECRET: URL (absolute, or a path on this host) the web client GETs for {userId, token}',
  },
  ...WEBHOOK_OPTIONS,
];

export const defaultConfig: ServerConfig = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: './data',
  timeZone: 'UTC',
  heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
  maxFrameBytes: 64 * 1024,
  maxMessageBytes: 16 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxBodyBytes: 1024 * 1024,
  sqliteSync: 'normal',
  sqliteCheckpointMs: 250,
  sqliteWriter: 'thread',
  commitGapMs: COMMIT_GAP_MS,
  databaseUrl: undefined,
  databaseSchema: 'public',
  recallWindowMs: 2 * 60_000,
  maxUploadBytes: 20 * 1024 * 1024,
  publicUrl: undefined,
  adminKey: undefined,
  appSecret: undefined,
  insecureOpen: false,
  corsOrigins: undefined,
  framesPerSecond: 100,
  userFramesPerSecond: 200,
  maxConnectionsPerUser: 20,
  idBatchesPerMinute: 300,
  presenceScope: 'contacts',
  authTimeoutMs: 10_000,
  maxConnections: 0,
  maxPendingConnectionsPerIp: 16,
  replayStallMs: 30_000,
  maxQueuedFrames: 64,
  logLevel: 'info',
  redisUrl: undefined,
  redisPrefix: 'parley:',
  ...adminDefaults,
  ...quotaDefaults,
  ...roomDefaults,
  webDir: undefined,
  webTokenUrl: undefined,
  ...webhookDefaults,
};
