import { IdleClient } from '../load/clients.js';
import { connectAll } from '../load/connect.js';
import { newContext } from '../load/context.js';
import { parleyDriver } from '../load/drivers/parley.js';
import { serverMain } from '../paths.js';
import { parleyEntry, parleyHelp, type RunningTarget, startParley } from '../targets.js';
import {
  type BenchDatabase,
  type BenchRedis,
  createDatabase,
  postgresMissing,
  redisMissing,
  redisPrefix,
} from './infra.js';

/** One Parley deployment: its nodes, their store, and whether they meet in Redis. */
export interface Deployment {
  nodes: 1 | 2;
  store: 'sqlite' | 'postgres';
  redis: boolean;
}

export const describeDeployment = (d: Deployment) =>
  `${d.nodes} node${d.nodes > 1 ? 's' : ''}, ${d.store === 'postgres' ? 'PostgreSQL' : 'SQLite'}` +
  `${d.redis ? ' + Redis' : ''}`;

/**
 * Development only (`BENCH_CLUSTER_DEV=sqlite`): the 2-node deployment on SQLite + Redis, each node
 * with its own data folder. Messages cross Redis to the recipient's node, but the nodes do not share
 * data: recipients must connect to node 1 once first (else UNKNOWN_USER) and node 2 answers their
 * confirmations with errors. Good for working on the harness, not a measurement.
 */
export const clusterDevSqlite = () => process.env.BENCH_CLUSTER_DEV === 'sqlite';

/**
 * Undefined if this machine and this server build can run the deployment, else why not:
 * PostgreSQL or Redis not reachable, or a server build that does not know DATABASE_URL yet (it
 * would ignore it and quietly run on SQLite).
 */
export async function deploymentMissing(d: Deployment): Promise<string | undefined> {
  if (d.store === 'postgres') {
    if (!parleyHelp().includes('DATABASE_URL')) {
      return 'this server build does not know DATABASE_URL (the PostgreSQL store is not on this branch yet)';
    }
    const pg = await postgresMissing();
    if (pg) return pg;
  }
  if (d.redis) {
    if (!parleyHelp().includes('REDIS_URL')) return 'this server build does not know REDIS_URL';
    const redis = await redisMissing();
    if (redis) return redis;
  }
  if ((d.store === 'postgres' || d.redis) && parleyEntry().script !== serverMain) {
    return 'main.js lacks the rate-limit settings, and the bench launcher does not pass cluster settings';
  }
  return undefined;
}

/**
 * Starts a deployment: a fresh database (PostgreSQL) and key prefix (Redis) of its own, then its
 * nodes one after the other. With 2 nodes, senders connect to node 1 and recipients to node 2, so
 * that every message crosses Redis. Stopping it stops the nodes, then drops the database and
 * deletes the Redis keys.
 */
export async function startDeployment(d: Deployment, nodeArgs: string[] = []): Promise<RunningTarget> {
  let db: BenchDatabase | undefined;
  let redis: BenchRedis | undefined;
  const nodes: RunningTarget[] = [];
  const cleanup = async () => {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    await Promise.allSettled([db?.drop(), redis?.clear()]);
  };
  try {
    const env: Record<string, string> = {};
    if (d.store === 'postgres') {
      db = await createDatabase();
      env.DATABASE_URL = db.url;
    }
    if (d.redis) {
      redis = redisPrefix();
      env.REDIS_URL = redis.url;
      env.REDIS_PREFIX = redis.prefix;
    }
    for (let i = 0; i < d.nodes; i++) nodes.push(await startParley({ env, nodeArgs }));
  } catch (err) {
    await cleanup();
    throw err;
  }
  const [first, second] = nodes;
  const target: RunningTarget = {
    name: 'parley',
    pid: first!.pid,
    driver: parleyDriver,
    url: first!.url,
    stop: cleanup,
    ...(second && { recipientUrl: second.url, nodePids: nodes.map((n) => n.pid) }),
  };
  if (second && d.store === 'sqlite') {
    return { ...target, prepareRecipients: (ids) => registerOn(first!.url, ids) };
  }
  return target;
}

/** Connects each user to `url` once (action 1) and leaves: the node's store then knows them. */
async function registerOn(url: string, userIds: readonly string[]): Promise<void> {
  const ctx = newContext({ window: 0, idsAhead: 0, textBytes: 0 });
  const clients = userIds.map((id) => new IdleClient(ctx, id));
  const outcome = await connectAll(clients, parleyDriver, url);
  for (const c of clients) c.close();
  if (outcome.failed > 0) throw new Error(`could not register recipients on node 1: ${outcome.firstError}`);
}
