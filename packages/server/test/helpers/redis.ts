import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { onCleanup } from './test-server.js';

/** The Redis of the tests (CI starts one); REDIS_URL overrides it. */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own for one test file or test, so that runs in parallel never meet. */
export function uniquePrefix(): string {
  return `parley-test:${randomBytes(6).toString('hex')}:`;
}

/** A plain connection for a test's own commands; fails clearly when Redis is not there. */
export async function adminConnection(): Promise<Redis> {
  const r = new Redis(redisUrl, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  let cause: Error | undefined;
  r.on('error', (err: Error) => {
    cause = err;
  });
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    r.disconnect();
    throw new Error(
      `the Redis tests need a Redis at ${redisUrl} (${(cause ?? (err as Error)).message}); start one with ` +
        '`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no` ' +
        'or set REDIS_URL',
    );
  }
  return r;
}

/** Deletes every key under `prefix` (SCAN + DEL). */
export async function deleteKeys(r: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await r.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** The keys under `prefix`. */
export async function keysUnder(r: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out.sort();
}

/** A key prefix of one test's own whose keys are deleted after the test. */
export function scratchPrefix(): string {
  const prefix = uniquePrefix();
  onCleanup(async () => {
    const r = await adminConnection();
    await deleteKeys(r, prefix);
    r.disconnect();
  });
  return prefix;
}
