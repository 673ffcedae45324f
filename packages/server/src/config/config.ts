import { HEARTBEAT_INTERVAL_MS, isTimeZone } from '@parley/protocol';

export interface ServerConfig {
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
  maxPendingFriendRequests: number;
  logLevel: string;
  redisUrl: string | undefined;
  redisPrefix: string;
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
    key: 'maxPendingFriendRequests',
    env: 'MAX_PENDING_FRIEND_REQUESTS',
    flag: '--max-pending-friend-requests',
    kind: 'int',
    min: 1,
    help: 'friend requests a user may have waiting for an answer',
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
  maxPendingFriendRequests: 100,
  logLevel: 'info',
  redisUrl: undefined,
  redisPrefix: 'parley:',
};
