import { randomBytes } from 'node:crypto';
import { onCleanup } from '../process/cleanup.js';

/**
 * The local PostgreSQL and Redis the cluster scenarios need. Each run makes its own database
 * (`parley_bench_<random>`) and Redis key prefix, and removes them afterwards, also on errors and
 * Ctrl-C. `pg` and `ioredis` are the server's own dependencies, loaded only when needed.
 */
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TIMEOUT_MS = 3000;

type PgClient = import('pg').Client;
type RedisClient = import('ioredis').Redis;

async function pgAdmin(): Promise<PgClient> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: TIMEOUT_MS });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function redisAdmin(): Promise<RedisClient> {
  const { Redis } = await import('ioredis');
  const r = new Redis(REDIS_URL, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: TIMEOUT_MS,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    r.disconnect();
    throw err;
  }
  return r;
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err)) || 'unknown error';

/** Undefined if PostgreSQL answers at PG_ADMIN_URL, else why not. */
export async function postgresMissing(): Promise<string | undefined> {
  try {
    const c = await pgAdmin();
    await c.end();
    return undefined;
  } catch (err) {
    return `PostgreSQL not reachable at ${PG_ADMIN_URL} (${reason(err)})`;
  }
}

/** Undefined if Redis answers at REDIS_URL, else why not. */
export async function redisMissing(): Promise<string | undefined> {
  try {
    (await redisAdmin()).disconnect();
    return undefined;
  } catch (err) {
    return `Redis not reachable at ${REDIS_URL} (${reason(err)})`;
  }
}

export interface BenchDatabase {
  /** What the nodes get as DATABASE_URL. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one deployment of one run; dropped by `drop()` or on exit. */
export async function createDatabase(): Promise<BenchDatabase> {
  const name = `parley_bench_${randomBytes(6).toString('hex')}`;
  const admin = await pgAdmin();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const drop = onCleanup(`database ${name}`, async () => {
    const c = await pgAdmin();
    try {
      // WITH (FORCE): a node that did not stop cleanly may still hold connections (PostgreSQL 13+)
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop };
}

export interface BenchRedis {
  url: string;
  prefix: string;
  /** Deletes every key under the prefix. */
  clear(): Promise<void>;
}

/** A random key prefix for one deployment; its keys are deleted by `clear()` or on exit. */
export function redisPrefix(): BenchRedis {
  const prefix = `parley_bench_${randomBytes(6).toString('hex')}:`;
  const clear = onCleanup(`Redis keys ${prefix}*`, async () => {
    const r = await redisAdmin();
    try {
      let cursor = '0';
      do {
        const [nextCursor, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = nextCursor;
        if (keys.length > 0) await r.del(...keys);
      } while (cursor !== '0');
    } finally {
      r.disconnect();
    }
  });
  return { url: REDIS_URL, prefix, clear };
}
