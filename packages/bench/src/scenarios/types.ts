import type { GapTally } from '../host/cpu-gaps.js';
import type { ConfirmMode } from '../load/context.js';
import type { FanoutRun } from '../load/fanout-result.js';
import type { LoadRun } from '../load/generator.js';
import type { NativeProfileSummary } from '../report/native-profile.js';
import type { ProfileSummary } from '../report/profile.js';
import type { Progress } from '../report/progress.js';
import type { TargetName } from '../targets.js';
import type { WalPages } from '../tools/wal-pages.js';

export type Mode = 'quick' | 'full';

/** What every scenario gets from the CLI. */
export interface ScenarioContext {
  mode: Mode;
  /** Measured seconds per target and load level (`--duration`); each scenario has its default. */
  durationS?: number;
  /** Load generator threads (`--threads`; default: by the rate offered at fixed rates, one at saturation). */
  threads?: number;
  /** How recipients confirm deliveries (`--confirm`; default `through`, as the SDK does). */
  confirm?: ConfirmMode;
  /** Which servers to run (Parley and both baselines unless a test narrows it down). */
  targets: readonly TargetName[];
  progress: Progress;
  /** Run Parley under `node --cpu-prof` and summarize where its time went. */
  cpuProfile?: boolean;
  /**
   * `--perf`: record Parley's threads with Linux `perf` during the measured windows of the
   * saturation and latency runs, and report where each thread's CPU went, native frames included.
   */
  nativeProfile?: boolean;
  /** Where `--cpu-prof` writes its profiles. */
  profileDir?: string;
  /** Another built checkout of Parley (`--against`), which the `against` scenario measures beside this one. */
  against?: string;
  /**
   * `--realtime`: the fixed-rate runs of the latency and aged scenarios put the generator and the
   * servers under real-time scheduling (SCHED_RR), which takes the kernel's time-sharing out of
   * their tails.
   */
  realtime?: boolean;
}

/** One load level (e.g. 100 pairs, window 16) measured against several targets in the same run. */
export interface LoadLevel {
  label: string;
  pairs: number;
  window: number | null;
  offeredPerSec: number | null;
  runs: LoadRun[];
  profiles?: ProfileSummary[];
  /** `--perf`: Parley's threads over the measured windows. */
  natives?: NativeProfileSummary[];
}

export interface SaturationResult {
  kind: 'saturation';
  levels: LoadLevel[];
}

export interface LatencyResult {
  kind: 'latency';
  levels: LoadLevel[];
  /**
   * Parley's saturation rate at the latency runs' pair count, probed first (window mode, Parley
   * only); the level offering half of it is `halfSaturation`.
   */
  probe?: { pairs: number; window: number; ackedPerSec: number; halfSaturation: string };
  /** The fixed-rate runs were under real-time scheduling (`--realtime`); the probe never is. */
  realtime?: boolean;
  /** Each server's first round warmed up this long, the others `warmupS` (FIRST_ROUND_WARMUP_S). */
  firstWarmupS?: number;
  warmupS?: number;
}

export interface DurabilityResult {
  kind: 'durability';
  /** Parley with SQLITE_SYNC=normal and with SQLITE_SYNC=full, same load, interleaved. */
  normal: LoadRun;
  full: LoadRun;
  pairs: number;
  window: number;
}

export interface WriterResult {
  kind: 'writer';
  /** Parley with its SQLite batches in the writer thread and inline, per load level, interleaved. */
  levels: { pairs: number; window: number; thread: LoadRun; inline: LoadRun }[];
}

export interface ConfirmResult {
  kind: 'confirm';
  /** Parley with recipients confirming each message and through a position, per load level, interleaved. */
  levels: { pairs: number; window: number; each: LoadRun; through: LoadRun }[];
}

export interface AgainstResult {
  kind: 'against';
  /** The other checkout (empty when skipped), and its commit when it is a git checkout. */
  against: string;
  commit?: string;
  /** This checkout's Parley and the other build's, per load level, interleaved. */
  levels: { pairs: number; window: number; current: LoadRun; other: LoadRun }[];
  /** Both at a fixed rate: half of what the other build reached at the last level. */
  rate?: AgainstRateLevel;
  skipped?: string;
}

/** Two builds of Parley at the same fixed rate, interleaved. */
export interface AgainstRateLevel {
  pairs: number;
  offeredPerSec: number;
  /** Under real-time scheduling (`--realtime`), as the latency scenario's fixed-rate runs. */
  realtime: boolean;
  current: LoadRun;
  other: LoadRun;
}

/** The aged variant's store of one level: messages, timeline entries, how long seeding took, its size. */
export interface AgedSeed {
  messages: number;
  entries: number;
  seconds: number;
  dbMiB: number;
}

export interface AgedResult {
  kind: 'aged';
  /** Messages stored per pair before the run, for the users of every round of the aged variant. */
  messagesPerPair: number;
  /** Parley with fresh users and with users that have long histories, per load level, interleaved. */
  levels: {
    pairs: number;
    window: number;
    seeded: AgedSeed;
    fresh: LoadRun;
    aged: LoadRun;
    /** The first round's first recipient's timeline entries in the aged store, before and after the run. */
    firstUserEntries: { before: number; after: number };
  }[];
  /**
   * The ack p99 target's level over the same two kinds of users: the last level's pairs at a fixed
   * rate, half of what the fresh users reached there, interleaved (its own aged store).
   */
  rate?: AgedRateLevel;
}

/** The aged scenario's fixed-rate level (see `AgedResult.rate`). */
export interface AgedRateLevel {
  pairs: number;
  offeredPerSec: number;
  /** Under real-time scheduling (`--realtime`), as the latency scenario's fixed-rate runs. */
  realtime: boolean;
  seeded: AgedSeed;
  fresh: LoadRun;
  aged: LoadRun;
}

/** A load of the `wal` scenario: a window (saturation) or an offered rate, in msg/s. */
export type WalLoad =
  | { pairs: number; window: number; rate?: never }
  | { pairs: number; rate: number; window?: never };

/** `1,000 pairs, window 2` or `1,000 pairs at 2,500 msg/s`. */
export function walLoadLabel(l: WalLoad): string {
  const pairs = `${l.pairs.toLocaleString('en-US')} pairs`;
  return l.rate === undefined
    ? `${pairs}, window ${l.window}`
    : `${pairs} at ${l.rate.toLocaleString('en-US')} msg/s`;
}

/** One load of the `wal` scenario: the run, and what its commits wrote (see tools/wal-pages.ts). */
export type WalLevel = WalLoad & {
  run: LoadRun;
  wal: WalPages;
};

export interface WalResult {
  kind: 'wal';
  levels: WalLevel[];
}

export interface IdleRow {
  target: TargetName;
  connections: number;
  connected: number;
  failed: number;
  connectS: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  /** (RSS after − RSS before) / connections. */
  bytesPerConnection: number;
}

export interface IdleResult {
  kind: 'idle';
  rows: IdleRow[];
}

export interface StormRow {
  target: TargetName;
  connections: number;
  backlogPerPair: number;
  storedMessages: number;
  /** From the moment every client reconnects at once until the last action 1 reply. */
  allBackS: number;
  /** Until every stored message reached its recipient. */
  allDeliveredS: number;
  reconnectP50Ms: number;
  reconnectP99Ms: number;
  connectFailures: number;
  retries: number;
  lost: number;
  doubled: number;
  outOfOrder: number;
  serverCpuPercent: number;
  serverRssPeakMiB: number;
  errors: Record<string, number>;
}

export interface StormResult {
  kind: 'storm';
  pairs: number;
  rows: StormRow[];
}

export interface HistoryKindResult {
  kind: string;
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  badPages: number;
}

/** The `build` of this checkout in results that compare builds (history, store). */
export const THIS_BUILD = 'this checkout';

/** The `build` of the history stores read by this checkout's server. */
export const HISTORY_THIS_BUILD = THIS_BUILD;

/** Pages of one stored history, read through one build of the server. */
export interface HistoryStoreResult {
  /** The store's shape (`one peer per user`, `many peers per user`). */
  store: string;
  /** Which server read it: `this checkout`, or the `--against` checkout's path. */
  build: string;
  messages: number;
  conversations: number;
  users: number;
  peersPerUser: number;
  seedS: number;
  dbMiB: number;
  kinds: HistoryKindResult[];
  errors: Record<string, number>;
  profiles?: ProfileSummary[];
}

export interface HistoryResult {
  kind: 'history';
  pageSize: number;
  stores: HistoryStoreResult[];
}

/** One run of the store lab (tools/store-lab.ts): its JSON line, and which build and round. */
export interface StoreLabRun {
  /** `this checkout`, or the `--against` checkout's path. */
  build: string;
  round: number;
  /** Batches of ten ids each sender held; it used its oldest. */
  held: number;
  pairs: number;
  prefill: number;
  measured: number;
  /** Messages per commit in the measured part. */
  commit: number;
  prefillS: number;
  msgPerSec: number;
  /** The lab's whole process (its driver on the main thread included), per message. */
  cpuUsPerMsg: number;
  /** Every thread but the lab's main one (the writer, the checkpointer, V8's compiler), per message. */
  storeUsPerMsg: number;
  userUsPerMsg: number;
  systemUsPerMsg: number;
  /** The median of (newest id handed out − id used) over the measured messages. */
  idAgeMedian: number;
  dbMiB: number;
}

/** Parley's SQLite store alone, without sockets (scenarios/store.ts). */
export interface StoreResult {
  kind: 'store';
  /** The other checkout (`--against`), if one was measured beside this one. */
  against?: string;
  runs: StoreLabRun[];
}

/** One round of the minimal loader (its JSON line). */
export interface MinimalLoaderRound {
  acked: number;
  delivered: number;
  seconds: number;
  ackedPerSec: number;
  deliveredPerSec: number;
  /** The loader's own CPU, percent of one core. */
  cpuPercent: number;
  /** The relay's CPU over the loader's measured window. */
  serverCpuPercent?: number;
}

export interface CalibrateResult {
  kind: 'calibrate';
  pairs: number;
  window: number;
  minimal: {
    rounds: MinimalLoaderRound[];
    ackedPerSecMedian: number;
    loaderCpuPercentMedian: number;
    relayCpuPercentMedian: number;
    relayCpuUsPerMsgMedian: number;
  };
  /** The bench generator's rounds against the same relay, merged. */
  bench: LoadRun;
  benchAckedPerSecRounds: number[];
  benchAckedPerSecMedian: number;
  /** Bench generator ÷ minimal loader, medians of the rounds (about 1 when the generator keeps up). */
  ratio: number;
}

/** One load of the host check: the gaps its fully busy threads saw, per round. */
export interface HostLevel {
  /** CPUs the check's threads kept busy (their shares added up). */
  busyCpus: number;
  rounds: GapTally[];
}

/** Whether the machine takes a CPU away from a busy thread (scenarios/host.ts). */
export interface HostResult {
  kind: 'host';
  cpus: number;
  secondsPerRound: number;
  levels: HostLevel[];
}

/** Scale-out: the same load against 1 and 2 Parley nodes on PostgreSQL + Redis. */
export interface ClusterResult {
  kind: 'cluster';
  pairs: number;
  window: number;
  /** Labels of the two deployments, 1 node then 2 nodes. */
  deployments: string[];
  /** Why the scenario did not run: PostgreSQL or Redis not reachable, a server build without them. */
  skipped?: string;
  /** Set on a development run (BENCH_CLUSTER_DEV=sqlite): not a measurement. */
  devNote?: string;
  one?: LoadRun;
  two?: LoadRun;
  /** Acked msg/s of 2 nodes ÷ 1 node. */
  ratio?: number;
}

/** The store: 1 node on SQLite against 1 node on PostgreSQL, no Redis. */
export interface BackendsResult {
  kind: 'backends';
  pairs: number;
  window: number;
  skipped?: string;
  sqlite?: LoadRun;
  postgres?: LoadRun;
  /** Acked msg/s on PostgreSQL ÷ on SQLite. */
  ratio?: number;
}

/** One offered rate of a fan-out scenario, every target measured in the same run. */
export interface FanoutLevel {
  label: string;
  offeredPerSec: number;
  runs: FanoutRun[];
}

/** A message fanned out to every member connection of a group (`group`) or a chat room (`room`). */
export interface FanoutResult {
  kind: 'group' | 'room';
  /** Member connections in the group or room, one per user, the senders included. */
  connections: number;
  senders: number;
  levels: FanoutLevel[];
  /** Why the scenario did not run (a server build without chat rooms). */
  skipped?: string;
  /** Parley's CPU profile over the whole scenario (`--cpu-prof`). */
  profiles?: ProfileSummary[];
}

export type ScenarioResult =
  | FanoutResult
  | CalibrateResult
  | HostResult
  | ClusterResult
  | BackendsResult
  | SaturationResult
  | LatencyResult
  | DurabilityResult
  | WriterResult
  | ConfirmResult
  | AgainstResult
  | AgedResult
  | WalResult
  | StoreResult
  | IdleResult
  | StormResult
  | HistoryResult;

export interface Scenario {
  name: string;
  describe: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
