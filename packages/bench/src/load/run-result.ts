import {
  curve,
  type Histogram,
  type LatencyCurve,
  type LatencySummary,
  summarize,
} from '../metrics/histogram.js';
import type { ProcUsage } from '../metrics/proc.js';
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
  /** Sender's send (intended send in rate mode) to the recipient's receipt. */
  e2e: LatencySummary;
  /** Rate mode: the generator's own lag, actual minus intended send time (part of ack and e2e). */
  sendLag: LatencySummary;
  ackCurve: LatencyCurve;
  e2eCurve: LatencyCurve;
  server: ProcUsage;
  generatorCpuPercent: number;
  totals: Totals;
  integrity: Integrity;
  errors: Record<string, number>;
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
  server: ProcUsage;
  generatorCpuPercent: number;
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
    for (const id of s.acked) if (!r.delivered.has(id)) out.lost++;
    for (const id of r.delivered) if (!s.acked.has(id)) out.unacked++;
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
    e2e: summarize(e2eHist),
    sendLag: summarize(lagHist),
    ackCurve: curve(ackHist),
    e2eCurve: curve(e2eHist),
    server: {
      cpuPercent: weighted((p) => p.server.cpuPercent),
      rssStartMiB: first.server.rssStartMiB,
      rssPeakMiB: Math.max(...parts.map((p) => p.server.rssPeakMiB)),
      rssEndMiB: last.server.rssEndMiB,
    },
    generatorCpuPercent: weighted((p) => p.generatorCpuPercent),
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
