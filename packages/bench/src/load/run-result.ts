import { addGcPauses, type GcPauses } from '../metrics/gc-pauses.js';
import {
  curve,
  type Histogram,
  type LatencyCurve,
  type LatencySummary,
  shareAboveMs,
  summarize,
} from '../metrics/histogram.js';
import type { ProcUsage } from '../metrics/proc.js';
import {
  addUp,
  type ServerHistograms,
  type ServerLatency,
  serverLatencyOf,
} from '../metrics/server-latency.js';
import { addSplits, type CpuSplit, scaleSplit } from '../metrics/thread-split.js';
import type { TargetName } from '../targets.js';
import type { Recipient, Sender } from './clients.js';
import type { LoadSpec } from './generator.js';

export interface Integrity {
  /** Acknowledged but never delivered to the recipient. */
  lost: number;
  /** Delivered more than once. */
  doubled: number;
  /** Delivered after a message of the same sender that was sent later. */
  outOfOrder: number;
  /** Delivered but never acknowledged to the sender. */
  unacked: number;
  /** Sent but neither acknowledged nor refused when the drain ended. */
  unanswered: number;
  /** Delivered to the wrong user. */
  misrouted: number;
}

export interface LoadRun {
  target: TargetName;
  pairs: number;
  window: number | null;
  offeredPerSec: number | null;
  /** Rounds the run was split into (interleaved with the other targets). */
  rounds: number;
  /** The measured time, in seconds (warm-ups excluded). */
  durationS: number;
  /** Time to open all connections and complete action 1, per round. */
  connectS: number;
  ackedPerSec: number;
  deliveredPerSec: number;
  sentPerSec: number;
  /** Sender's send (intended send in rate mode) to the sender's receipt of status 1. */
  ack: LatencySummary;
  /**
   * Each round's own ack p99 (ms), in round order: how far the tail moves between rounds of the
   * same server and load, which one p99 over all rounds does not show.
   */
  ackP99ByRound: number[];
  /** Sender's send (intended send in rate mode) to the recipient's receipt. */
  e2e: LatencySummary;
  /** Rate mode: the generator's own lag, actual minus intended send time (part of ack and e2e). */
  sendLag: LatencySummary;
  /**
   * The generator's garbage collection pauses in the measured windows, all rounds and load threads
   * (`totalMs` adds up over threads): while its thread stands still, sends fall behind and acks
   * wait to be read, which shows in every latency of the run.
   */
  generatorGc: GcPauses;
  /** Acks the generator measured above 10 ms, in percent of all (compare `serverLatency`). */
  ackOver10msPercent: number;
  /** Parley only: its own timing of the ack path over the measured windows, from its `/metrics`. */
  serverLatency?: ServerLatency;
  ackCurve: LatencyCurve;
  e2eCurve: LatencyCurve;
  /** The server's process; for a cluster target the sum over its nodes (CPU adds up, RSS too). */
  server: ProcUsage;
  /** Cluster targets: each node's own figures, in node order. */
  nodes?: ProcUsage[];
  /** Server CPU time per acknowledged message, in µs (all nodes of a cluster together). */
  serverCpuUsPerMsg: number;
  /** The same by thread (see `CpuSplit`), in µs per acknowledged message; one-process targets only. */
  serverCpuSplitUsPerMsg?: CpuSplit;
  /** CPU of the load generator process over the measured window, in percent of one core. */
  generatorCpuPercent: number;
  /** Time the generator's threads waited for a CPU, in percent of the window (see ProcUsage). */
  generatorWaitPercent?: number;
  /** Generator CPU time per acknowledged message, in µs. */
  generatorCpuUsPerMsg: number;
  /** Threads the generator ran the load on. */
  generatorThreads: number;
  /**
   * The generator used more than GENERATOR_BOUND_PERCENT of a core per thread while no thread of the
   * server did: the generator, not the server, may have set the pace, and the server's figures are
   * then a lower bound (see `isGeneratorBound`).
   */
  generatorBound: boolean;
  totals: Totals;
  integrity: Integrity;
  errors: Record<string, number>;
}

/**
 * Above this CPU per generator thread (percent of one core) the generator is saturated; a server
 * thread above it is at its limit too.
 */
export const GENERATOR_BOUND_PERCENT = 90;

/**
 * Whether a run was generator-bound: the generator used `cpuPercent` (of one core) over `threads`
 * threads, more than GENERATOR_BOUND_PERCENT per thread, and the server's busiest thread did not.
 * When both are above it (a single-threaded relay and a one-thread generator, one core each), the
 * server was at its own limit: a faster generator would not have made it faster, so the run is not
 * flagged. Without a figure for the server's threads, a saturated generator is enough.
 */
export function isGeneratorBound(
  cpuPercent: number,
  threads: number,
  serverBusiestThreadPercent?: number,
): boolean {
  const generatorSaturated = cpuPercent / Math.max(1, threads) > GENERATOR_BOUND_PERCENT;
  const serverSaturated = (serverBusiestThreadPercent ?? 0) > GENERATOR_BOUND_PERCENT;
  return generatorSaturated && !serverSaturated;
}

export interface Totals {
  sent: number;
  acked: number;
  delivered: number;
  refused: number;
}

/** What one round measured, before it is merged with the other rounds of the same target. */
export interface LoadPartial {
  target: TargetName;
  spec: LoadSpec;
  measuredS: number;
  connectS: number;
  counts: { sent: number; acked: number; delivered: number };
  ackHist: Histogram;
  e2eHist: Histogram;
  lagHist: Histogram;
  /** The generator's garbage collection pauses in the measured window (all its load threads). */
  generatorGc: GcPauses;
  /** The server's own latency histograms over the window (Parley; see metrics/server-latency.ts). */
  serverHists?: ServerHistograms;
  server: ProcUsage;
  nodes?: ProcUsage[];
  generatorCpuPercent: number;
  generatorWaitPercent?: number;
  generatorThreads: number;
  totals: Totals;
  integrity: Integrity;
  errors: Map<string, number>;
}

/** Every acknowledged id must have reached its recipient exactly once, and nothing else may have. */
export function checkIntegrity(senders: readonly Sender[], recipients: readonly Recipient[]): Integrity {
  const out: Integrity = { lost: 0, doubled: 0, outOfOrder: 0, unacked: 0, unanswered: 0, misrouted: 0 };
  for (let i = 0; i < senders.length; i++) {
    const s = senders[i]!;
    const r = recipients[i]!;
    // by the sender's message number k (0 .. sent-1); a delivery of a k never sent is misrouted
    const n = Math.max(s.sent, r.deliveredByK.length);
    for (let k = 0; k < n; k++) {
      const acked = k < s.ackedByK.length && s.ackedByK[k] === 1;
      const delivered = k < r.deliveredByK.length && r.deliveredByK[k]! > 0;
      if (acked && !delivered) out.lost++;
      else if (delivered && !acked) {
        if (k < s.sent) out.unacked++;
        else out.misrouted++;
      }
    }
    out.unanswered += s.inflight.size;
    out.doubled += r.doubled;
    out.outOfOrder += r.outOfOrder;
    out.misrouted += r.misrouted;
  }
  return out;
}

/** Merges the rounds of one target into one result: counts and histograms add up. */
export function mergeRounds(parts: readonly LoadPartial[]): LoadRun {
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const ackHist = first.ackHist;
  const e2eHist = first.e2eHist;
  const lagHist = first.lagHist;
  const sum = (f: (p: LoadPartial) => number) => parts.reduce((n, p) => n + f(p), 0);
  // before the merge below adds the other rounds into the first round's histograms
  const ackP99ByRound = parts.map((p) => summarize(p.ackHist).p99);
  const measuredS = sum((p) => p.measuredS);
  const weighted = (f: (p: LoadPartial) => number) =>
    measuredS > 0 ? sum((p) => f(p) * p.measuredS) / measuredS : 0;
  const errors = new Map<string, number>();
  for (const [i, p] of parts.entries()) {
    if (i > 0) {
      ackHist.add(p.ackHist);
      e2eHist.add(p.e2eHist);
      lagHist.add(p.lagHist);
    }
    for (const [k, v] of p.errors) errors.set(k, (errors.get(k) ?? 0) + v);
  }
  const integrity = { lost: 0, doubled: 0, outOfOrder: 0, unacked: 0, unanswered: 0, misrouted: 0 };
  for (const k of Object.keys(integrity) as Array<keyof Integrity>) integrity[k] = sum((p) => p.integrity[k]);
  const { spec } = first;
  const acked = sum((p) => p.counts.acked);
  const cpuSeconds = (f: (p: LoadPartial) => number) => sum((p) => (f(p) * p.measuredS) / 100);
  const perMsg = (seconds: number) => (acked > 0 ? (seconds * 1e6) / acked : 0);
  const generatorCpuPercent = weighted((p) => p.generatorCpuPercent);
  /** A weighted mean of a figure every round has, else undefined. */
  const weightedIfAll = (f: (p: LoadPartial) => number | undefined) =>
    parts.every((p) => f(p) !== undefined) ? weighted((p) => f(p)!) : undefined;
  const serverWait = weightedIfAll((p) => p.server.runQueueWaitPercent);
  const serverBusiest = weightedIfAll((p) => p.server.busiestThreadPercent);
  const generatorWait = weightedIfAll((p) => p.generatorWaitPercent);
  const serverHists = parts.every((p) => p.serverHists)
    ? parts.slice(1).reduce((a, p) => addUp(a, p.serverHists!), first.serverHists!)
    : undefined;
  const serverLatency = serverLatencyOf(serverHists);
  const splits = parts.map((p) => p.server.cpuSplit);
  const serverSplit = splits.every((x) => x !== undefined)
    ? addSplits(splits.map((x, i) => scaleSplit(x, parts[i]!.measuredS / 100)))
    : undefined;
  const nodeCount = first.nodes?.length ?? 0;
  const nodes =
    nodeCount > 0
      ? Array.from({ length: nodeCount }, (_, i) => {
          const of = (p: LoadPartial) => p.nodes![i]!;
          return {
            cpuPercent: weighted((p) => of(p).cpuPercent),
            rssStartMiB: of(first).rssStartMiB,
            rssPeakMiB: Math.max(...parts.map((p) => of(p).rssPeakMiB)),
            rssEndMiB: of(last).rssEndMiB,
          };
        })
      : undefined;
  return {
    target: first.target,
    pairs: spec.pairs,
    window: spec.rate === undefined ? (spec.window ?? 16) : null,
    offeredPerSec: spec.rate ?? null,
    rounds: parts.length,
    durationS: measuredS,
    connectS: sum((p) => p.connectS) / parts.length,
    ackedPerSec: sum((p) => p.counts.acked) / measuredS,
    deliveredPerSec: sum((p) => p.counts.delivered) / measuredS,
    sentPerSec: sum((p) => p.counts.sent) / measuredS,
    ack: summarize(ackHist),
    ackP99ByRound,
    e2e: summarize(e2eHist),
    sendLag: summarize(lagHist),
    generatorGc: addGcPauses(parts.map((p) => p.generatorGc)),
    ackOver10msPercent: shareAboveMs(ackHist, 10),
    ...(serverLatency && { serverLatency }),
    ackCurve: curve(ackHist),
    e2eCurve: curve(e2eHist),
    server: {
      cpuPercent: weighted((p) => p.server.cpuPercent),
      ...(serverWait !== undefined && { runQueueWaitPercent: serverWait }),
      ...(serverBusiest !== undefined && { busiestThreadPercent: serverBusiest }),
      rssStartMiB: first.server.rssStartMiB,
      rssPeakMiB: Math.max(...parts.map((p) => p.server.rssPeakMiB)),
      rssEndMiB: last.server.rssEndMiB,
    },
    ...(nodes && { nodes }),
    serverCpuUsPerMsg: perMsg(cpuSeconds((p) => p.server.cpuPercent)),
    ...(serverSplit && { serverCpuSplitUsPerMsg: scaleSplit(serverSplit, perMsg(1)) }),
    generatorCpuPercent,
    ...(generatorWait !== undefined && { generatorWaitPercent: generatorWait }),
    generatorCpuUsPerMsg: perMsg(cpuSeconds((p) => p.generatorCpuPercent)),
    generatorThreads: first.generatorThreads,
    generatorBound: isGeneratorBound(generatorCpuPercent, first.generatorThreads, serverBusiest),
    totals: {
      sent: sum((p) => p.totals.sent),
      acked: sum((p) => p.totals.acked),
      delivered: sum((p) => p.totals.delivered),
      refused: sum((p) => p.totals.refused),
    },
    integrity,
    errors: Object.fromEntries(errors),
  };
}
