import { type Histogram, type LatencySummary, summarize } from '../metrics/histogram.js';
import type { ProcUsage } from '../metrics/proc.js';
import type { TargetName } from '../targets.js';
import type { FanoutIntegrity } from './fanout-tally.js';
import { isGeneratorBound } from './run-result.js';

/** What one round of a fan-out run measured, before it is merged with the target's other rounds. */
export interface FanoutPartial {
  target: TargetName;
  measuredS: number;
  /** Opening the connections and action 1; then the group's creation or the room's joins. */
  connectS: number;
  setupS: number;
  /** Counted over the measured window. */
  counts: { sent: number; acked: number; delivered: number };
  ackHist: Histogram;
  /** Send (intended) → each member connection's copy. */
  deliveryHist: Histogram;
  /** Send (intended) → the last member connection's copy, per message. */
  allHist: Histogram;
  lagHist: Histogram;
  server: ProcUsage;
  generatorCpuPercent: number;
  totals: { sent: number; acked: number; refused: number; delivered: number; complete: number };
  integrity: FanoutIntegrity;
  errors: Map<string, number>;
}

/** One target at one rate of a fan-out scenario, over all its rounds. */
export interface FanoutRun {
  target: TargetName;
  /** Member connections in the group or room, the senders' included. */
  connections: number;
  senders: number;
  /** Messages per second offered over all senders (open loop, evenly spaced). */
  offeredPerSec: number;
  rounds: number;
  durationS: number;
  connectS: number;
  setupS: number;
  ackedPerSec: number;
  deliveredPerSec: number;
  /** Copies each message should reach: every member connection but the sending one. */
  expectedPerMessage: number;
  ack: LatencySummary;
  /** Per delivery: send to one member connection's copy. */
  delivery: LatencySummary;
  /** Per message: send to the moment the last member connection has it. */
  allMembers: LatencySummary;
  sendLag: LatencySummary;
  server: ProcUsage;
  /** Server CPU time per delivered frame, in µs (CPU seconds over the window ÷ deliveries in it). */
  serverCpuUsPerDelivery: number;
  generatorCpuPercent: number;
  generatorCpuUsPerDelivery: number;
  generatorThreads: 1;
  generatorBound: boolean;
  totals: { sent: number; acked: number; refused: number; delivered: number; complete: number };
  integrity: FanoutIntegrity;
  errors: Record<string, number>;
}

/** Merges the rounds of one target at one rate: counts and histograms add up. */
export function mergeFanoutRounds(
  parts: readonly FanoutPartial[],
  spec: { connections: number; senders: number; rate: number },
): FanoutRun {
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const errors = new Map<string, number>();
  for (const [i, p] of parts.entries()) {
    if (i > 0) {
      first.ackHist.add(p.ackHist);
      first.deliveryHist.add(p.deliveryHist);
      first.allHist.add(p.allHist);
      first.lagHist.add(p.lagHist);
    }
    for (const [k, v] of p.errors) errors.set(k, (errors.get(k) ?? 0) + v);
  }
  const sum = (f: (p: FanoutPartial) => number) => parts.reduce((n, p) => n + f(p), 0);
  const measuredS = sum((p) => p.measuredS);
  const weighted = (f: (p: FanoutPartial) => number) =>
    measuredS > 0 ? sum((p) => f(p) * p.measuredS) / measuredS : 0;
  const delivered = sum((p) => p.counts.delivered);
  const perDelivery = (f: (p: FanoutPartial) => number) =>
    delivered > 0 ? (sum((p) => (f(p) * p.measuredS) / 100) * 1e6) / delivered : 0;
  const integrity = { ...first.integrity };
  for (const k of Object.keys(integrity) as Array<keyof FanoutIntegrity>)
    integrity[k] = sum((p) => p.integrity[k]);
  const totals = { ...first.totals };
  for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] = sum((p) => p.totals[k]);
  const generatorCpuPercent = weighted((p) => p.generatorCpuPercent);
  const serverBusiest = parts.every((p) => p.server.busiestThreadPercent !== undefined)
    ? weighted((p) => p.server.busiestThreadPercent!)
    : undefined;
  return {
    target: first.target,
    connections: spec.connections,
    senders: spec.senders,
    offeredPerSec: spec.rate,
    rounds: parts.length,
    durationS: measuredS,
    connectS: sum((p) => p.connectS) / parts.length,
    setupS: sum((p) => p.setupS) / parts.length,
    ackedPerSec: sum((p) => p.counts.acked) / measuredS,
    deliveredPerSec: delivered / measuredS,
    expectedPerMessage: spec.connections - 1,
    ack: summarize(first.ackHist),
    delivery: summarize(first.deliveryHist),
    allMembers: summarize(first.allHist),
    sendLag: summarize(first.lagHist),
    server: {
      cpuPercent: weighted((p) => p.server.cpuPercent),
      ...(serverBusiest !== undefined && { busiestThreadPercent: serverBusiest }),
      rssStartMiB: first.server.rssStartMiB,
      rssPeakMiB: Math.max(...parts.map((p) => p.server.rssPeakMiB)),
      rssEndMiB: last.server.rssEndMiB,
    },
    serverCpuUsPerDelivery: perDelivery((p) => p.server.cpuPercent),
    generatorCpuPercent,
    generatorCpuUsPerDelivery: perDelivery((p) => p.generatorCpuPercent),
    generatorThreads: 1,
    generatorBound: isGeneratorBound(generatorCpuPercent, 1, serverBusiest),
    totals,
    integrity,
    errors: Object.fromEntries(errors),
  };
}
