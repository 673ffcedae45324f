import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

export type Role = 'sub' | 'cmd';

/**
 * A connection of a RedisBus: `sub` holds the user subscriptions, `cmd` publishes and keeps
 * presence. Both reconnect forever with a capped backoff once started; `sub` never queues or
 * retries commands (a join while it is down is covered by the resubscription after it).
 */
export function createConnection(
  url: string,
  role: Role,
  nodeId: string,
  log?: Logger,
  publishRetries = 20,
): Redis {
  const common: RedisOptions = {
    lazyConnect: true,
    connectionName: `parley-${role}-${nodeId}`,
    connectTimeout: 5000,
    retryStrategy: (times) =>
      Math.min(50 * 2 ** Math.min(times - 1, 6), 2000) + Math.floor(Math.random() * 50),
  };
  const options: RedisOptions =
    role === 'sub'
      ? { ...common, autoResubscribe: false, enableOfflineQueue: false, maxRetriesPerRequest: 0 }
      : { ...common, maxRetriesPerRequest: publishRetries };
  const client = new Redis(url, options);
  // ioredis emits an error per failed attempt while Redis is away: say each new one once
  let last = '';
  client.on('error', (err: Error) => {
    if (err.message === last) return;
    last = err.message;
    log?.warn({ role, redis: redactUrl(url), reason: err.message }, 'redis connection error');
  });
  client.on('ready', () => {
    last = '';
  });
  return client;
}

/** Connects, and resolves once the connection is ready; rejects naming the URL after `timeoutMs`. */
export function connect(client: Redis, url: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (err: Error) => {
      lastError = err;
    };
    const onReady = () => {
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      const why = lastError ? `: ${lastError.message}` : '';
      reject(new Error(`cannot reach Redis at ${redactUrl(url)} within ${timeoutMs} ms${why}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      client.off('error', onError);
      client.off('ready', onReady);
    };
    client.on('error', onError);
    client.once('ready', onReady);
    // failures come as 'error' events, and ioredis keeps trying until the timer runs out
    client.connect().catch(() => {});
  });
}

/** Closes a connection: politely (QUIT) when it is up, at once otherwise or after `timeoutMs`. */
export async function disconnect(client: Redis, timeoutMs = 1000): Promise<void> {
  if (client.status === 'ready') {
    await withTimeout(client.quit(), timeoutMs).catch(() => {});
  }
  client.disconnect();
}

/** Settles like `p`, or rejects after `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}
