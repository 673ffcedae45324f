import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NODE_FLAGS } from '@parley/server';
import type { Driver } from './load/drivers/driver.js';
import { parleyDriver } from './load/drivers/parley.js';
import { socketIoDriver } from './load/drivers/socketio.js';
import { baselineScript, benchDir, serverMain } from './paths.js';
import { type ChildServer, spawnServer } from './process/children.js';

export type TargetName = 'parley' | 'ws' | 'socketio';

export const TARGET_LABELS: Record<TargetName, string> = {
  parley: 'Parley',
  ws: 'ws relay',
  socketio: 'Socket.IO relay',
};

export const ALL_TARGETS: readonly TargetName[] = ['parley', 'ws', 'socketio'];

/** A server under test, running, with the driver and URL the load generator needs. */
export interface RunningTarget {
  readonly name: TargetName;
  readonly pid: number;
  readonly driver: Driver;
  /** What the driver connects to: `ws://host:port/ws`, or `http://host:port` for Socket.IO. */
  readonly url: string;
  /** Where recipients connect, if not to `url` (a cluster: senders on node 1, recipients on node 2). */
  readonly recipientUrl?: string;
  /** A cluster's node processes (CPU and RSS are summed over them, and reported per node). */
  readonly nodePids?: readonly number[];
  /**
   * Development of the cluster scenario on SQLite only: makes these recipients known to node 1
   * (each connects there once) before they connect to node 2. Not needed with a shared store.
   */
  prepareRecipients?(userIds: readonly string[]): Promise<void>;
  /** Parley's data folder (a fresh temporary one unless given). */
  readonly dataDir?: string;
  /** Parley's `/metrics`, where the run reads the server's own latencies (metrics/server-latency.ts). */
  readonly metricsUrl?: string;
  stop(): Promise<void>;
}

export interface ParleyOptions {
  sqliteSync?: 'normal' | 'full';
  /** Use this data folder and keep it (default: a fresh temporary folder, removed on stop). */
  dataDir?: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Extra settings (DATABASE_URL, REDIS_URL, REDIS_PREFIX for the cluster scenarios). */
  env?: Record<string, string>;
  /** Another build's `main.js` instead of this checkout's (the `against` scenario). */
  script?: string;
}

export async function startTarget(name: TargetName, opts: ParleyOptions = {}): Promise<RunningTarget> {
  if (name === 'parley') return startParley(opts);
  const script = baselineScript(name === 'ws' ? 'ws-relay' : 'socketio-relay');
  const child = await spawnServer({ name, script, env: { PORT: '0', HOST: '127.0.0.1' } });
  const url = name === 'ws' ? `${child.url.replace(/^http/, 'ws')}/ws` : child.url;
  return wrap(name, child, name === 'ws' ? parleyDriver : socketIoDriver, url);
}

/**
 * The rate limits are off for the benchmark (its users send thousands of frames a second each, and
 * all connect at once from one address): the settings documented in docs/operations.md, all 0.
 */
export const PARLEY_LIMITS_OFF: Record<string, string> = {
  MAX_FRAMES_PER_SECOND: '0',
  MAX_USER_FRAMES_PER_SECOND: '0',
  MAX_CONNECTIONS_PER_USER: '0',
  MAX_ID_BATCHES_PER_MINUTE: '0',
  MAX_PENDING_CONNECTIONS_PER_IP: '0',
};

let entry: { script: string; note: string } | undefined;
let helpText: string | undefined;

/** What `main.js --help` prints ('' if it does not run): which settings this server build knows. */
export function parleyHelp(): string {
  if (helpText === undefined) {
    try {
      helpText = execFileSync(process.execPath, [serverMain, '--help'], { encoding: 'utf8' });
    } catch {
      helpText = ''; // reported when the server fails to start
    }
  }
  return helpText;
}

/**
 * How Parley is started: `packages/server/dist/main.js`, unless that does not know the rate-limit
 * settings yet; then through the exported startServer() (process/parley-launcher.ts), same settings.
 */
export function parleyEntry(): { script: string; note: string } {
  if (!entry) {
    const help = parleyHelp();
    entry = Object.keys(PARLEY_LIMITS_OFF).every((k) => help.includes(k))
      ? { script: serverMain, note: 'packages/server/dist/main.js' }
      : {
          script: path.join(benchDir, 'dist/process/parley-launcher.js'),
          note:
            'bench launcher (startServer) with the rate limits off: main.js does not accept ' +
            Object.keys(PARLEY_LIMITS_OFF).join(', '),
        };
  }
  return entry;
}

export async function startParley(opts: ParleyOptions): Promise<RunningTarget> {
  const temporary = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  let child: ChildServer;
  try {
    child = await spawnServer({
      name: 'parley',
      script: opts.script ?? parleyEntry().script,
      // the flags `npm start` runs the server with, then the run's own (e.g. --cpu-prof)
      nodeArgs: [...NODE_FLAGS, ...(opts.nodeArgs ?? [])],
      env: {
        ...PARLEY_LIMITS_OFF,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        SQLITE_SYNC: opts.sqliteSync ?? 'normal',
        HEARTBEAT_INTERVAL_MS: '30000',
        ...opts.env,
      },
    });
  } catch (err) {
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const target = wrap('parley', child, parleyDriver, `${child.url.replace(/^http/, 'ws')}/ws`, dataDir);
  return {
    ...target,
    metricsUrl: `${child.url}/metrics`,
    stop: async () => {
      await target.stop();
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function wrap(
  name: TargetName,
  child: ChildServer,
  driver: Driver,
  url: string,
  dataDir?: string,
): RunningTarget {
  return {
    name,
    pid: child.pid,
    driver,
    url,
    ...(dataDir !== undefined && { dataDir }),
    stop: async () => {
      await child.stop();
      const err = child.stderr().trim();
      if (err) process.stderr.write(`\n[${name} stderr]\n${err.slice(-2000)}\n`);
    },
  };
}

/** Starts a target, runs `fn` with it, and always stops it. */
export async function withTarget<T>(
  name: TargetName,
  opts: ParleyOptions,
  fn: (t: RunningTarget) => Promise<T>,
): Promise<T> {
  const target = await startTarget(name, opts);
  try {
    return await fn(target);
  } finally {
    await target.stop();
  }
}
