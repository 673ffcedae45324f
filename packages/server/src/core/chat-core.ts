import { createTimeFormatter, type TimeFormatter } from '@parley/protocol';
import type { Logger } from 'pino';
import type { Bus, Delivery } from '../bus/bus.js';
import { KeyedBuckets } from '../limits/token-bucket.js';
import { type Metrics, noMetrics } from '../metrics/metrics.js';
import type { Store } from '../store/store.js';
import { type Authenticator, openAuthenticator } from './authenticator.js';
import { type Clock, systemClock } from './clock.js';
import { COMMIT_GAP_MS, CommitQueue } from './commit-queue.js';
import type { CoreContext } from './context.js';
import { GroupService } from './groups/group-service.js';
import type { Peer } from './peer.js';
import { reservationsValidFrom, UploadQuota } from './quotas.js';
import { RoomRegistry } from './rooms/registry.js';
import { defaultRoomConfig, type RoomConfig } from './rooms/room-config.js';
import { type PresenceObserver, Router } from './router.js';
import type { MessageScreen } from './screening.js';
import { Session } from './session.js';
import { UserDirectory } from './users.js';

export interface CoreConfig extends RoomConfig {
  /** IANA zone for the `time` strings of frames. */
  timeZone: string;
  /** Largest `chatMsg.message`, in UTF-8 bytes. */
  maxMessageBytes: number;
  /** Frames per page when replaying what a user missed. */
  replayPageSize: number;
  /** How long after sending a message its sender may recall it. */
  recallWindowMs: number;
  /** Open connections of one user on this node (0: unlimited). */
  maxConnectionsPerUser: number;
  /** Action 2 requests per user and minute (0: unlimited). */
  idBatchesPerMinute: number;
  /** Friend requests a user may have waiting for an answer. */
  maxPendingFriendRequests: number;
  /** How long an id reserved by action 2 stays valid while unused. */
  reservationTtlMs: number;
  /** Unused, unexpired reserved ids a user may hold. */
  maxReservedIds: number;
  /** Messages stored for one recipient and not confirmed by it yet. */
  maxPendingMessages: number;
  /** After a rejection, how long a new friend request to the same user is refused. */
  friendRequestCooldownMs: number;
  /** Bytes of history entries in one action 12 page (always at least one entry). */
  maxHistoryPageBytes: number;
  /** Bytes one user (or address, in open mode) may upload per UTC day (0: unlimited). */
  maxUploadBytesPerDay: number;
  /** Whom action 7 answers about: the asker's contacts (and itself), or anyone. */
  presenceScope: 'contacts' | 'all';
  /** How often expired reservations are swept, at most `purgeBatch` per pass (0: never). */
  purgeIntervalMs: number;
  purgeBatch: number;
  /** Frames a connection may have waiting behind action 1; past it, reading the connection pauses. */
  maxQueuedFrames: number;
  /** A backlog replay whose frame has not reached the socket after this long drops the connection. */
  replayStallMs: number;
  /** Bytes of live deliveries held while the backlog replays; past it, the connection is closed. */
  maxHeldBytes: number;
  /** Members a group may have. */
  maxGroupMembers: number;
  /** How long a delivered notice is kept for devices catching up with `noticesSince`. */
  noticeRetentionMs: number;
  /** The least time between two group commits, in ms (0: a commit at every turn of the event loop). */
  commitGapMs: number;
}

export const defaultCoreConfig: CoreConfig = {
  timeZone: 'UTC',
  maxMessageBytes: 16 * 1024,
  replayPageSize: 256,
  recallWindowMs: 2 * 60_000,
  maxConnectionsPerUser: 20,
  idBatchesPerMinute: 300,
  maxPendingFriendRequests: 100,
  reservationTtlMs: 24 * 60 * 60_000,
  maxReservedIds: 10_000,
  maxPendingMessages: 10_000,
  friendRequestCooldownMs: 24 * 60 * 60_000,
  maxHistoryPageBytes: 256 * 1024,
  maxUploadBytesPerDay: 500 * 1024 * 1024,
  presenceScope: 'contacts',
  purgeIntervalMs: 60_000,
  purgeBatch: 1000,
  maxQueuedFrames: 64,
  replayStallMs: 30_000,
  maxHeldBytes: 4 * 1024 * 1024,
  maxGroupMembers: 500,
  noticeRetentionMs: 7 * 24 * 60 * 60_000,
  commitGapMs: COMMIT_GAP_MS,
  ...defaultRoomConfig,
};

export interface CoreDeps {
  store: Store;
  bus: Bus;
  log: Logger;
  clock?: Clock;
  /** Who may connect as whom; open (anyone as anyone) when not given. */
  auth?: Authenticator;
  config?: Partial<CoreConfig>;
  /** Counts for `/metrics`; nothing is counted when not given. */
  metrics?: Metrics;
  /** Records users coming online and going offline (a `presence` write, for webhooks). */
  presenceEvents?: boolean;
  /** Checks every message before it is stored (webhooks' before-send). */
  screen?: MessageScreen;
}

/**
 * The chat rules: ids, ownership, statuses, delivery. Knows neither WebSockets nor SQL: it talks to
 * connections through Peer, to storage through Store and to other nodes through Bus.
 */
export class ChatCore {
  readonly store: Store;
  readonly bus: Bus;
  readonly log: Logger;
  readonly clock: Clock;
  readonly config: CoreConfig;
  readonly commits: CommitQueue;
  readonly router: Router<Session>;
  /** This node's chat rooms and the connections in them. */
  readonly rooms: RoomRegistry<Session>;
  readonly users: UserDirectory;
  readonly time: TimeFormatter;
  readonly auth: Authenticator;
  /** Action 2 requests per user, refilled per minute. */
  readonly idBatches: KeyedBuckets;
  /** The daily upload quota; undefined when unlimited. */
  readonly uploads: UploadQuota | undefined;
  /** Groups, for the admin API as for action 13 and 14. */
  readonly groups: GroupService;
  /** What sessions and handlers get to see of the core. */
  readonly context: CoreContext;
  private readonly sessions = new Set<Session>();
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(deps: CoreDeps) {
    this.store = deps.store;
    this.bus = deps.bus;
    this.router = new Router<Session>(this.bus, deps.presenceEvents ? this.presenceWrites() : undefined);
    this.log = deps.log;
    this.rooms = new RoomRegistry<Session>(this.bus, (err, room) =>
      this.log.error({ err, room }, 'bus room call failed'),
    );
    this.clock = deps.clock ?? systemClock;
    this.config = { ...defaultCoreConfig, ...deps.config };
    this.time = createTimeFormatter(this.config.timeZone);
    this.auth = deps.auth ?? openAuthenticator;
    const perMinute = this.config.idBatchesPerMinute;
    this.idBatches = new KeyedBuckets(perMinute / 60, perMinute);
    const metrics = deps.metrics ?? noMetrics;
    this.commits = new CommitQueue(this.store, {
      gapMs: this.config.commitGapMs,
      onError: (err, ops) =>
        this.log.error({ err, ops }, 'group commit failed; retrying operations one by one'),
      observer: {
        batch: (ops) => metrics.commitBatch(ops),
        waited: (ms) => metrics.commitWaited(ms),
        written: (ms, ops) => metrics.commitWritten(ms, ops),
      },
    });
    this.users = new UserDirectory(this.commits, this.clock);
    const perDay = this.config.maxUploadBytesPerDay;
    this.uploads = perDay > 0 ? new UploadQuota(this.commits, this.clock, perDay) : undefined;
    const write: CoreContext['write'] = (op) => this.commits.enqueue(op);
    const publish = (d: Delivery) => this.bus.publish(d);
    this.groups = new GroupService({
      write,
      publish,
      config: this.config,
      clock: this.clock,
      time: this.time,
    });
    this.context = {
      config: this.config,
      log: this.log,
      clock: this.clock,
      time: this.time,
      auth: this.auth,
      store: this.store,
      write,
      publish,
      isOnline: (userId) => this.bus.isOnline(userId),
      users: this.users,
      idBatches: this.idBatches,
      presence: this.router,
      groups: this.groups,
      metrics,
      rooms: this.rooms,
      ...(deps.screen && { screen: deps.screen }),
    };
  }

  /** Presence changes as writes of their own (the outbox records them), off the connect path. */
  private presenceWrites(): PresenceObserver {
    const write = (userId: string, online: boolean) =>
      this.commits
        .enqueue({ kind: 'presence', userId, online, timeMs: this.clock.now() })
        .catch((err: unknown) => this.log.error({ err, user: userId }, 'could not record a presence change'));
    return { online: (u) => void write(u, true), offline: (u) => void write(u, false) };
  }

  async start(): Promise<void> {
    await this.bus.start({
      deliver: (d) => this.router.deliver(d),
      deliverRoom: (d, skip) => this.rooms.deliver(d, skip),
      gap: (userId) => {
        this.log.warn({ user: userId }, 'bus reported a gap: the sessions concerned resync from the store');
        const sessions = userId === undefined ? this.router.all() : this.router.sessionsOf(userId);
        for (const session of [...sessions]) session.refill();
      },
    });
    if (this.config.purgeIntervalMs > 0) {
      this.purgeTimer = setInterval(() => {
        void this.purgeExpired();
        void this.purgeOldNotices();
      }, this.config.purgeIntervalMs);
      this.purgeTimer.unref();
    }
  }

  /**
   * One bounded sweep of expired id reservations (those of users who never ask for ids again;
   * action 2 drops the asking user's own). Returns how many were dropped.
   */
  async purgeExpired(): Promise<number> {
    try {
      const { purged } = await this.commits.enqueue({
        kind: 'purgeReservations',
        expiredBeforeMs: reservationsValidFrom(this.config, this.clock.now()),
        limit: this.config.purgeBatch,
      });
      return purged;
    } catch (err) {
      this.log.error({ err }, 'purging expired reservations failed');
      return 0;
    }
  }

  /** One bounded sweep of delivered notices older than NOTICE_RETENTION_MS. Returns how many went. */
  async purgeOldNotices(): Promise<number> {
    try {
      const { purged } = await this.commits.enqueue({
        kind: 'purgeNotices',
        doneBeforeMs: this.clock.now() - this.config.noticeRetentionMs,
        limit: this.config.purgeBatch,
      });
      return purged;
    } catch (err) {
      this.log.error({ err }, 'purging old notices failed');
      return 0;
    }
  }

  /** A new client connection; the session lives until `closeSession`. */
  openSession(peer: Peer): Session {
    const session = new Session(this.context, peer);
    this.sessions.add(session);
    return session;
  }

  closeSession(session: Session): void {
    if (!this.sessions.delete(session)) return;
    session.detach();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Finishes pending writes. Connections are the gateway's to close. */
  async stop(): Promise<void> {
    clearInterval(this.purgeTimer);
    await this.commits.drain();
  }
}
