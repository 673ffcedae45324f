import type { TimeFormatter } from '@parley/protocol';
import type { Logger } from 'pino';
import type { Delivery } from '../bus/bus.js';
import type { KeyedBuckets } from '../limits/token-bucket.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Store, WriteKind, WriteOps, WriteResultOf } from '../store/store.js';
import type { Authenticator } from './authenticator.js';
import type { CoreConfig } from './chat-core.js';
import type { Clock } from './clock.js';
import type { GroupService } from './groups/group-service.js';
import type { RoomRegistry } from './rooms/registry.js';
import type { Router } from './router.js';
import type { MessageScreen } from './screening.js';
import type { Session } from './session.js';
import type { UserDirectory } from './users.js';

/** What handlers may read of the store: every write goes through `CoreContext.write`. */
export type StoreReader = Omit<Store, 'write' | 'close'>;

/** This node's connections by user, as sessions see them. */
export type LocalPresence = Pick<Router<Session>, 'attach' | 'detach' | 'sessionsOf'>;

/**
 * Everything a session and its handlers may use, and nothing more: reads, the one write path,
 * routing, the rules' settings and clocks. The core builds it; handlers never see the store's
 * writer, the commit queue's internals or the bus's membership calls.
 */
export interface CoreContext {
  readonly config: CoreConfig;
  readonly log: Logger;
  readonly clock: Clock;
  /** Formats the `time` of frames in the server's zone. */
  readonly time: TimeFormatter;
  readonly auth: Authenticator;
  readonly store: StoreReader;
  /** The one write path: group-committed, settles after the transaction committed. */
  write<K extends WriteKind>(op: { kind: K } & WriteOps[K]['op']): Promise<WriteResultOf<K>>;
  /** Routes a frame to the user's connections on every node (best effort: the store is the truth). */
  publish(d: Delivery): void;
  /** Whether the user has a connection on any node. */
  isOnline(userId: string): Promise<boolean>;
  readonly users: UserDirectory;
  /** Action 2 requests per user, refilled per minute. */
  readonly idBatches: KeyedBuckets;
  readonly presence: LocalPresence;
  /** Creating and changing groups, and routing their timeline entries. */
  readonly groups: GroupService;
  /** What `/metrics` counts (cheap calls). */
  readonly metrics: Metrics;
  /** This node's chat rooms. */
  readonly rooms: RoomRegistry<Session>;
  /** When set, every message is checked before it is stored (webhooks' before-send). */
  readonly screen?: MessageScreen;
}
