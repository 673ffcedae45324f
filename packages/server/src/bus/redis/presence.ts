import type { Redis } from 'ioredis';

/** The names of everything a RedisBus keeps in Redis, all under one prefix. */
export class RedisKeys {
  constructor(readonly prefix: string) {}
  /** The channel of a user's frames; every node where the user is joined subscribes to it. */
  channel(userId: string): string {
    return `${this.prefix}u:${userId}`;
  }
  /** The user of a channel, or undefined when the channel is not a user's. */
  userOf(channel: string): string | undefined {
    const head = `${this.prefix}u:`;
    return channel.startsWith(head) ? channel.slice(head.length) : undefined;
  }
  /** Where a node that lost frames to too many users to name tells every node to resync. */
  get gapChannel(): string {
    return `${this.prefix}gap`;
  }
  /** A node's lease: exists while the node is alive (expires unless renewed). */
  lease(nodeId: string): string {
    return `${this.prefix}node:${nodeId}`;
  }
  /** The set of the node ids where a user is joined (entries of dead nodes are removed lazily). */
  presence(userId: string): string {
    return `${this.prefix}presence:${userId}`;
  }
}

/**
 * Whether any node in the user's set still holds its lease; entries of nodes whose lease expired
 * are removed on the way. One script, so that a node re-asserting its lease and entries cannot be
 * removed between the check and the removal.
 */
const IS_ONLINE = `
local nodes = redis.call('SMEMBERS', KEYS[1])
for _, node in ipairs(nodes) do
  if redis.call('EXISTS', ARGV[1] .. node) == 1 then return 1 end
  redis.call('SREM', KEYS[1], node)
end
return 0`;

/**
 * Cluster-wide presence with expiring leases: a node proves it is alive by renewing its lease key
 * (PX expiry) and lists itself in the presence set of each user joined on it. A node that is
 * killed never says goodbye; its lease runs out and its entries stop counting.
 */
export class Presence {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    private readonly leaseMs: number,
  ) {}

  /** Renews the lease; false when it had expired (or Redis lost it), so the entries must be re-asserted. */
  async renew(): Promise<boolean> {
    const r = await this.redis.set(this.keys.lease(this.nodeId), '1', 'PX', this.leaseMs, 'XX');
    return r === 'OK';
  }

  /** Takes the lease and lists this node for every user joined here (after a restart of Redis, say). */
  async assert(users: Iterable<string>): Promise<void> {
    const p = this.redis.pipeline().set(this.keys.lease(this.nodeId), '1', 'PX', this.leaseMs);
    for (const u of users) p.sadd(this.keys.presence(u), this.nodeId);
    await exec(p);
  }

  async add(userId: string): Promise<void> {
    await this.redis.sadd(this.keys.presence(userId), this.nodeId);
  }

  async remove(userId: string): Promise<void> {
    await this.redis.srem(this.keys.presence(userId), this.nodeId);
  }

  async isOnline(userId: string): Promise<boolean> {
    const r = await this.redis.eval(IS_ONLINE, 1, this.keys.presence(userId), this.keys.lease(''));
    return r === 1;
  }

  /** Drops the lease and this node's entries: a clean goodbye. */
  async release(users: Iterable<string>): Promise<void> {
    const p = this.redis.pipeline();
    for (const u of users) p.srem(this.keys.presence(u), this.nodeId);
    p.del(this.keys.lease(this.nodeId));
    await exec(p);
  }
}

/** Runs a pipeline; rejects with the first error of its commands. */
async function exec(p: ReturnType<Redis['pipeline']>): Promise<void> {
  const results = await p.exec();
  for (const [err] of results ?? []) if (err) throw err;
}
