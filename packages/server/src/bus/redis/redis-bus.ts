import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Bus, BusHandlers, Delivery } from '../bus.js';
import type { RoomDelivery } from '../room-bus.js';
import { decode, encode, encodeGap } from './codec.js';
import { connect, createConnection, disconnect, redactUrl, withTimeout } from './connection.js';
import { Presence, RedisKeys } from './presence.js';
import { decodeRoom, encodeRoom, roomChannel, roomOfChannel } from './room-codec.js';

export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Namespaces every key and channel, so that deployments and test runs can share a Redis. */
  prefix?: string;
  log?: Logger;
  /** How long a node counts as alive after its last lease renewal. */
  leaseMs?: number;
  /** How often the lease is renewed (default: a third of `leaseMs`). */
  renewMs?: number;
  /** How long `start` waits for Redis before failing. */
  connectTimeoutMs?: number;
  /** This node's id (default: random). */
  nodeId?: string;
  /** Reconnection attempts a publish waits through before it is dropped (default 20). */
  publishRetries?: number;
}

export interface RedisBusStats {
  /** Frames handed to Redis. */
  published: number;
  /** Publishes Redis refused or that were dropped after retries (logged). */
  publishErrors: number;
  /** Frames received from other nodes and delivered here. */
  received: number;
  /** Payloads on a user channel that were not a Delivery (logged, dropped). */
  malformed: number;
  /** Times the subscription was lost and re-established (each reported as a gap). */
  gaps: number;
  /** Gap notices this node sent for frames it could not publish. */
  gapNotices: number;
}

export const DEFAULT_REDIS_PREFIX = 'parley:';
const DEFAULT_LEASE_MS = 15_000;
/** How long a join waits for its presence entry, and a lookup for its answer, before going on without. */
const PRESENCE_WAIT_MS = 3000;
/** Users a node remembers it could not publish to before it asks every node to resync. */
const MAX_UNSENT = 10_000;

/**
 * The Bus of a cluster: nodes meet in Redis.
 *
 * - Routing: each node subscribes to the channel of every user joined on it (`{prefix}u:{user}`),
 *   on a connection of its own; frames are published on a second connection, so the frames of one
 *   publisher reach each node in publish order. A frame for a user joined on the publishing node
 *   is delivered there directly (chat on a node goes on while Redis is away); that node skips its
 *   own copy coming back from Redis.
 * - Presence: see Presence (a lease per node, a set of node ids per user).
 * - Gaps: when the subscription connection comes back after a loss, every joined user is
 *   subscribed again, presence re-asserted, and then `gap` reported: frames published meanwhile
 *   are gone, and the core resyncs its sessions from the store.
 */
export class RedisBus implements Bus {
  readonly nodeId: string;
  private readonly keys: RedisKeys;
  private readonly log: Logger | undefined;
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly connectTimeoutMs: number;
  private readonly counts: RedisBusStats = {
    published: 0,
    publishErrors: 0,
    received: 0,
    malformed: 0,
    gaps: 0,
    gapNotices: 0,
  };
  /**
   * Users this node could not publish a stored frame to: once Redis takes commands again, their
   * nodes are told to resync them. Past `MAX_UNSENT` users, every node is told instead.
   */
  private readonly unsent = new Set<string>();
  private unsentOverflow = false;
  /** Users with a connection on this node. */
  private readonly joined = new Set<string>();
  /** Rooms with a connection on this node (see `room-codec.ts`). */
  private readonly rooms = new Set<string>();
  private state: 'new' | 'starting' | 'running' | 'closed' = 'new';
  private handlers: BusHandlers | undefined;
  private sub: Redis | undefined;
  private cmd: Redis | undefined;
  private presence: Presence | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private renewing = false;
  /** The subscription connection was lost: a gap is due once it is back and resubscribed. */
  private subLost = false;
  private cmdLost = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RedisBusOptions) {
    this.nodeId = options.nodeId ?? randomBytes(6).toString('base64url');
    this.keys = new RedisKeys(options.prefix ?? DEFAULT_REDIS_PREFIX);
    this.log = options.log?.child({ component: 'redis-bus', node: this.nodeId });
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.renewMs = options.renewMs ?? Math.max(1, Math.floor(this.leaseMs / 3));
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  }

  get stats(): Readonly<RedisBusStats> {
    return { ...this.counts };
  }

  /** Connects both connections and takes this node's lease; fails naming the URL if Redis is not there. */
  async start(handlers: BusHandlers): Promise<void> {
    if (this.state !== 'new') throw new Error('RedisBus can be started once');
    this.state = 'starting';
    const { url } = this.options;
    const sub = createConnection(url, 'sub', this.nodeId, this.log);
    const cmd = createConnection(url, 'cmd', this.nodeId, this.log, this.options.publishRetries);
    try {
      await Promise.all([connect(sub, url, this.connectTimeoutMs), connect(cmd, url, this.connectTimeoutMs)]);
      await sub.subscribe(this.keys.gapChannel);
      this.presence = new Presence(cmd, this.keys, this.nodeId, this.leaseMs);
      await this.presence.assert([]);
    } catch (err) {
      sub.disconnect();
      cmd.disconnect();
      this.state = 'closed';
      throw err;
    }
    this.sub = sub;
    this.cmd = cmd;
    this.handlers = handlers;
    sub.on('message', (channel: string, payload: string) => this.onMessage(channel, payload));
    sub.on('close', () => {
      if (this.state !== 'running' || this.subLost) return;
      this.subLost = true;
      this.log?.warn('redis subscription connection lost: live routing to this node paused, reconnecting');
    });
    sub.on('ready', () => {
      if (this.subLost) void this.resubscribe();
    });
    cmd.on('close', () => {
      if (this.state !== 'running' || this.cmdLost) return;
      this.cmdLost = true;
      this.log?.warn('redis command connection lost: publishing and presence paused, reconnecting');
    });
    cmd.on('ready', () => {
      if (this.cmdLost) void this.reassert();
    });
    this.renewTimer = setInterval(() => void this.renew(), this.renewMs);
    this.renewTimer.unref();
    this.state = 'running';
    this.log?.info({ redis: redactUrl(url), prefix: this.keys.prefix }, 'redis bus started');
  }

  publish(d: Delivery): void {
    if (this.state !== 'running' || !this.cmd) return;
    if (this.joined.has(d.userId)) this.deliver(d);
    this.counts.published++;
    this.cmd.publish(this.keys.channel(d.userId), encode(d, this.nodeId)).catch((err: Error) => {
      this.counts.publishErrors++;
      this.log?.warn({ user: d.userId, kind: d.kind, reason: err.message }, 'redis publish failed');
      // a stored frame is in the store: the recipient's sessions resync once Redis is back;
      // a transient one is simply lost
      if (d.kind === 'transient') return;
      if (this.unsent.size < MAX_UNSENT) this.unsent.add(d.userId);
      else this.unsentOverflow = true;
    });
  }

  async join(userId: string): Promise<void> {
    if (this.state !== 'running' || !this.sub || !this.presence || !this.cmd) return;
    this.joined.add(userId);
    // While a connection is down, a join needs nothing more now: the recovery subscribes and lists
    // every joined user (and reports the gap that makes the session resync).
    const { sub, cmd, presence } = this;
    await Promise.all([
      whileUp(sub, () => sub.subscribe(this.keys.channel(userId))),
      // a write caught by a drop waits in ioredis's queue for the reconnection: the connection
      // does not wait that long, the write still lands (or the recovery lists the user)
      whileUp(cmd, () => withTimeout(presence.add(userId), PRESENCE_WAIT_MS)).catch((err: Error) => {
        this.log?.warn({ user: userId, reason: err.message }, 'redis presence entry is late');
      }),
    ]);
  }

  async leave(userId: string): Promise<void> {
    if (!this.joined.delete(userId) || !this.sub || !this.presence || !this.cmd) return;
    const { sub, cmd, presence } = this;
    await Promise.all([
      whileUp(sub, () => sub.unsubscribe(this.keys.channel(userId))),
      whileUp(cmd, () => presence.remove(userId)),
    ]);
  }

  async isOnline(userId: string): Promise<boolean> {
    if (this.joined.has(userId)) return true;
    if (this.state !== 'running' || !this.presence || this.cmd?.status !== 'ready') return false;
    try {
      // a lookup caught by a dying connection would wait through every reconnection attempt
      return await withTimeout(this.presence.isOnline(userId), PRESENCE_WAIT_MS);
    } catch (err) {
      this.log?.warn({ user: userId, reason: (err as Error).message }, 'redis presence lookup failed');
      return false;
    }
  }

  async subscribeRoom(roomId: string): Promise<void> {
    if (this.state !== 'running' || !this.sub) return;
    this.rooms.add(roomId);
    const sub = this.sub; // while it is down, the resubscription after it covers the room
    await whileUp(sub, () => sub.subscribe(roomChannel(this.keys.prefix, roomId)));
  }

  async unsubscribeRoom(roomId: string): Promise<void> {
    if (!this.rooms.delete(roomId) || !this.sub) return;
    const sub = this.sub;
    await whileUp(sub, () => sub.unsubscribe(roomChannel(this.keys.prefix, roomId)));
  }

  /** Delivered here directly (the copy coming back is skipped), and to the other nodes through Redis. */
  publishRoom(d: RoomDelivery, skip?: object): void {
    if (this.state !== 'running' || !this.cmd) return;
    if (this.rooms.has(d.roomId)) this.deliverRoom(d, skip);
    this.counts.published++;
    this.cmd
      .publish(roomChannel(this.keys.prefix, d.roomId), encodeRoom(d, this.nodeId))
      .catch((err: Error) => {
        // best effort: members that lost it see it in the recent window when they join again
        this.counts.publishErrors++;
        this.log?.warn({ room: d.roomId, reason: err.message }, 'redis room publish failed');
      });
  }

  /** Unsubscribes, removes this node's lease and presence entries, and closes both connections. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /**
   * Stops at once without a goodbye, as a killed process would: subscriptions end with the
   * connections, and the lease and presence entries are left for the lease to expire. For tests.
   */
  kill(): void {
    this.closing ??= Promise.resolve();
    this.stop();
    this.sub?.disconnect();
    this.cmd?.disconnect();
  }

  private stop(): void {
    this.state = 'closed';
    this.handlers = undefined;
    clearInterval(this.renewTimer);
  }

  private async shutdown(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.stop();
    const { sub, cmd, presence } = this;
    if (!wasRunning || !sub || !cmd || !presence) return;
    const users = [...this.joined];
    this.joined.clear();
    this.rooms.clear();
    try {
      await withTimeout(
        Promise.all([whileUp(sub, () => sub.unsubscribe()), whileUp(cmd, () => presence.release(users))]),
        2000,
      );
    } catch (err) {
      this.log?.warn(
        { reason: (err as Error).message },
        'redis bus could not say goodbye; its lease will expire',
      );
    }
    await Promise.all([disconnect(sub), disconnect(cmd)]);
  }

  private onMessage(channel: string, payload: string): void {
    if (this.state !== 'running') return;
    if (channel === this.keys.gapChannel) {
      if (!payload.startsWith(`g ${this.nodeId}\n`)) this.handlers?.gap();
      return;
    }
    const roomId = roomOfChannel(this.keys.prefix, channel);
    if (roomId !== undefined) {
      this.onRoomMessage(roomId, payload);
      return;
    }
    const userId = this.keys.userOf(channel);
    const env = userId === undefined ? undefined : decode(userId, payload);
    if (!env || userId === undefined) {
      this.counts.malformed++;
      this.log?.warn({ channel, bytes: payload.length }, 'dropped a payload that is not a delivery');
      return;
    }
    // our own publishes were delivered here directly; a user who left may still have frames in flight
    if (env.origin === this.nodeId || !this.joined.has(userId)) return;
    if ('gap' in env) {
      this.log?.warn(
        { user: userId, from: env.origin },
        'a node could not publish to a user here: it resyncs',
      );
      this.handlers?.gap(userId);
      return;
    }
    this.counts.received++;
    this.deliver(env.delivery);
  }

  private onRoomMessage(roomId: string, payload: string): void {
    const env = decodeRoom(roomId, payload);
    if (!env) {
      this.counts.malformed++;
      this.log?.warn(
        { room: roomId, bytes: payload.length },
        'dropped a room payload that is not a delivery',
      );
      return;
    }
    // our own publishes were delivered here directly; a room left here may still have frames in flight
    if (env.origin === this.nodeId || !this.rooms.has(roomId)) return;
    this.counts.received++;
    this.deliverRoom(env.delivery, undefined);
  }

  private deliverRoom(d: RoomDelivery, skip: object | undefined): void {
    try {
      this.handlers?.deliverRoom(d, skip);
    } catch (err) {
      this.log?.error({ err, room: d.roomId }, 'room delivery handler failed');
    }
  }

  private deliver(d: Delivery): void {
    try {
      this.handlers?.deliver(d);
    } catch (err) {
      this.log?.error({ err, user: d.userId }, 'delivery handler failed');
    }
  }

  /** The subscription connection is back: subscribe every joined user again, then report the gap. */
  private async resubscribe(): Promise<void> {
    const sub = this.sub;
    if (!sub || this.state !== 'running') return;
    const channels = [...this.joined].map((u) => this.keys.channel(u));
    for (const room of this.rooms) channels.push(roomChannel(this.keys.prefix, room));
    try {
      await sub.subscribe(this.keys.gapChannel, ...channels);
    } catch (err) {
      // lost again: the next 'ready' tries again
      this.log?.warn({ reason: (err as Error).message }, 'redis resubscription failed');
      return;
    }
    if (this.state !== 'running' || !this.subLost) return;
    this.subLost = false;
    await this.reassert();
    this.counts.gaps++;
    this.log?.warn(
      { users: this.joined.size, rooms: this.rooms.size },
      'redis subscription restored: sessions here resync from the store',
    );
    this.handlers?.gap();
  }

  /** Takes the lease again and lists this node for every joined user (Redis may have lost both). */
  private async reassert(): Promise<void> {
    const { cmd, presence } = this;
    if (!cmd || !presence || this.state !== 'running' || cmd.status !== 'ready') return;
    try {
      await presence.assert(this.joined);
      this.cmdLost = false;
    } catch (err) {
      this.log?.warn({ reason: (err as Error).message }, 'redis presence re-assertion failed');
    }
    await this.sendGapNotices();
  }

  /** Tells the nodes of the users this node could not publish to that they must resync them. */
  private async sendGapNotices(): Promise<void> {
    const cmd = this.cmd;
    if (!cmd || (this.unsent.size === 0 && !this.unsentOverflow)) return;
    const users = [...this.unsent];
    const everyone = this.unsentOverflow;
    this.unsent.clear();
    this.unsentOverflow = false;
    const notice = encodeGap(this.nodeId);
    try {
      if (everyone) await cmd.publish(this.keys.gapChannel, notice);
      else await Promise.all(users.map((u) => cmd.publish(this.keys.channel(u), notice)));
      this.counts.gapNotices += everyone ? 1 : users.length;
      this.log?.warn(
        { users: everyone ? 'all' : users.length },
        'told other nodes to resync what this node could not publish',
      );
    } catch (err) {
      // still down: keep them for the next recovery
      for (const u of users) this.unsent.add(u);
      this.unsentOverflow ||= everyone;
      this.log?.warn(
        { reason: (err as Error).message },
        'redis gap notices failed; retried at the next recovery',
      );
    }
  }

  private async renew(): Promise<void> {
    const { cmd, presence } = this;
    if (this.renewing || !cmd || !presence || this.state !== 'running' || cmd.status !== 'ready') return;
    this.renewing = true;
    try {
      if (!(await presence.renew())) {
        this.log?.warn('redis lease had expired (node stalled or Redis restarted): presence re-asserted');
        await presence.assert(this.joined);
      }
      await this.sendGapNotices(); // normally done at the recovery; this catches any left over
    } catch (err) {
      this.log?.warn({ reason: (err as Error).message }, 'redis lease renewal failed');
    } finally {
      this.renewing = false;
    }
  }
}

/**
 * Runs a command if the connection is up. A failure because the connection went down meanwhile is
 * no error: the recovery after it redoes the work for every joined user.
 */
async function whileUp(client: Redis, command: () => Promise<unknown>): Promise<void> {
  if (!isUp(client)) return;
  try {
    await command();
  } catch (err) {
    if (isUp(client)) throw err;
  }
}

/**
 * Ready and writable: a connection the server cut is still 'ready' until ioredis sees the close
 * event, but its socket already refuses writes.
 */
function isUp(client: Redis): boolean {
  return client.status === 'ready' && client.stream.writable;
}
