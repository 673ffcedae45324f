import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { addGcPauses } from '../metrics/gc-pauses.js';
import { ProcSampler, type ProcUsage, runQueueWaitMeter, selfCpuMeter } from '../metrics/proc.js';
import { between, scrapeServerLatency } from '../metrics/server-latency.js';
import { cpuSplitMeter } from '../metrics/thread-split.js';
import type { RunningTarget } from '../targets.js';
import { sleep } from './connect.js';
import { type ConfirmMode, DEFAULT_CONFIRM } from './context.js';
import { type LoadPartial, type LoadRun, mergeRounds } from './run-result.js';
import type { ShardResult } from './shard.js';
import { openShard, type ShardHandle } from './shard-handle.js';

export type { LoadRun } from './run-result.js';
export { checkIntegrity } from './run-result.js';

export interface LoadSpec {
  pairs: number;
  /** Window mode: unacknowledged messages each sender keeps in flight. */
  window?: number;
  /** Rate mode: messages per second offered over all pairs (open loop, evenly spaced). */
  rate?: number;
  warmupS: number;
  durationS: number;
  /** Message text length in bytes (default 64). */
  textBytes?: number;
  /** How long to wait after the run for the last acks and deliveries (default 20 s). */
  drainTimeoutS?: number;
  /** Prefix of the user ids, so that rounds against the same server use fresh users. */
  userPrefix?: string;
  /**
   * Threads the generator spreads the pairs over (default 1). Each thread runs its own event loop,
   * so the generator can use more than one core; a pair's sender and recipient share a thread.
   */
  threads?: number;
  /** How recipients confirm deliveries (default `through`, as the SDK does; see `ConfirmMode`). */
  confirm?: ConfirmMode;
}

export type ProgressFn = (fraction: number, detail: string) => void;

/**
 * Seconds between the scrape of the server's `/metrics` that starts a window's "inside Parley"
 * figures and the window itself (half the warm-up if that is shorter). A scrape holds Parley's event
 * loop for a few milliseconds, and at half of saturation the backlog it leaves took up to a second
 * to drain (docs/benchmarks.md, the eighteenth pass of issue 14): taken right before the window, it
 * opened every window with a stall that a deployment's scrapes, every 15 s or so, do not put there.
 * The server's figures therefore cover this second too.
 */
export const SCRAPE_SETTLE_S = 1;

/** Runs U sender→recipient pairs against a running target and measures it. */
export async function runLoad(
  target: RunningTarget,
  spec: LoadSpec,
  progress?: ProgressFn,
): Promise<LoadRun> {
  return mergeRounds([await runRound(target, spec, progress)]);
}

/** Called around a round's measured window (`--perf` records the server meanwhile). */
export interface WindowHooks {
  /** Right before the window. */
  start(): Promise<void>;
  /** After the window, once its CPU figures are taken. */
  end(): Promise<void>;
}

/** One round: connect, warm up, measure, drain, check, disconnect. */
export async function runRound(
  target: RunningTarget,
  spec: LoadSpec,
  progress?: ProgressFn,
  hooks?: WindowHooks,
): Promise<LoadPartial> {
  const n = Math.max(1, Math.min(spec.threads ?? 1, spec.pairs));
  if (target.prepareRecipients) {
    const prefix = spec.userPrefix ?? '';
    await target.prepareRecipients(Array.from({ length: spec.pairs }, (_, i) => `${prefix}r${i}`));
  }
  const shards: ShardHandle[] = [];
  for (let i = 0, first = 0; i < n; i++) {
    const pairs = Math.floor(spec.pairs / n) + (i < spec.pairs % n ? 1 : 0);
    shards.push(
      openShard(
        {
          driver: target.driver.name,
          url: target.url,
          recipientUrl: target.recipientUrl ?? target.url,
          firstPair: first,
          pairs,
          userPrefix: spec.userPrefix ?? '',
          window: spec.rate === undefined ? (spec.window ?? 16) : 0,
          rate: spec.rate === undefined ? 0 : (spec.rate * pairs) / spec.pairs,
          textBytes: spec.textBytes ?? 64,
          confirm: spec.confirm ?? DEFAULT_CONFIRM,
        },
        n > 1,
      ),
    );
    first += pairs;
  }
  const all = <T>(f: (s: ShardHandle) => Promise<T>) => Promise.all(shards.map(f));
  try {
    progress?.(0, `connecting ${spec.pairs * 2} clients`);
    const connects = await all((s) => s.connect());
    const failed = connects.reduce((a, c) => a + c.failed, 0);
    if (failed > 0)
      throw new Error(`${failed} connections failed: ${connects.find((c) => c.firstError)?.firstError}`);
    if (!(await all((s) => s.prefetch(30_000))).every(Boolean)) {
      throw new Error('senders did not get their message ids within 30 s');
    }

    await all((s) => s.start());
    // the first scrape of the server's own figures comes `settleS` before the window, not right at
    // its start: a scrape holds the server's event loop for milliseconds, and the backlog it leaves
    // would otherwise open every window (see SCRAPE_SETTLE_S)
    const settleS = Math.min(SCRAPE_SETTLE_S, spec.warmupS / 2);
    const warm = (from: number, s: number) => (f: number) =>
      progress?.(0, `warming up ${Math.round(((from + f * s) / spec.warmupS) * 100)}%`);
    await ticking(spec.warmupS - settleS, warm(0, spec.warmupS - settleS));
    const scrape = async () => (target.metricsUrl ? scrapeServerLatency(target.metricsUrl) : undefined);
    const serverBefore = await scrape();
    await ticking(settleS, warm(spec.warmupS - settleS, settleS));
    await hooks?.start();
    const pids = target.nodePids ?? [target.pid];
    const samplers = pids.map((pid) => new ProcSampler(pid));
    for (const s of samplers) s.start();
    const split = pids.length === 1 ? cpuSplitMeter(pids[0]!) : undefined;
    const genCpu = selfCpuMeter();
    const genWait = runQueueWaitMeter(process.pid);
    const t0 = performance.now();
    await all((s) => s.measure());
    await ticking(spec.durationS, async (f, elapsedS) => {
      const p = await all((s) => s.progress());
      const sum = (k: 'acked' | 'delivered' | 'errors') => p.reduce((a, x) => a + x[k], 0);
      const rate = (x: number) => Math.round(x / Math.max(elapsedS, 0.001)).toLocaleString('en-US');
      progress?.(
        f,
        `acked ${rate(sum('acked'))}/s, delivered ${rate(sum('delivered'))}/s, errors ${sum('errors')}`,
      );
    });
    await all((s) => s.stop());
    const measuredS = (performance.now() - t0) / 1000;
    const nodes = samplers.map((s) => s.stop());
    const cpuSplit = split?.();
    const server = { ...sumUsage(nodes), ...(cpuSplit && { cpuSplit }) };
    const generatorCpuPercent = genCpu();
    const generatorWaitPercent = genWait();
    const serverAfter = serverBefore && (await scrape());
    await hooks?.end();

    progress?.(1, 'draining');
    await all((s) => s.drain((spec.drainTimeoutS ?? 20) * 1000));
    const results = await all((s) => s.result());
    const errors = new Map<string, number>();
    for (const r of results)
      for (const [k, v] of Object.entries(r.errors)) errors.set(k, (errors.get(k) ?? 0) + v);
    const ackHist = decodeFromCompressedBase64(results[0]!.ackHist);
    const e2eHist = decodeFromCompressedBase64(results[0]!.e2eHist);
    const lagHist = decodeFromCompressedBase64(results[0]!.lagHist);
    for (const r of results.slice(1)) {
      ackHist.add(decodeFromCompressedBase64(r.ackHist));
      e2eHist.add(decodeFromCompressedBase64(r.e2eHist));
      lagHist.add(decodeFromCompressedBase64(r.lagHist));
    }
    const sum = (f: (r: ShardResult) => number) => results.reduce((a, r) => a + f(r), 0);
    return {
      target: target.name,
      spec,
      measuredS,
      connectS: Math.max(...connects.map((c) => c.seconds)),
      counts: {
        sent: sum((r) => r.counts.sent),
        acked: sum((r) => r.counts.acked),
        delivered: sum((r) => r.counts.delivered),
      },
      ackHist,
      e2eHist,
      lagHist,
      generatorGc: addGcPauses(results.map((r) => r.gcPauses)),
      ...(serverBefore && serverAfter && { serverHists: between(serverBefore, serverAfter) }),
      server,
      ...(nodes.length > 1 && { nodes }),
      generatorCpuPercent,
      ...(generatorWaitPercent !== undefined && { generatorWaitPercent }),
      generatorThreads: n,
      totals: {
        sent: sum((r) => r.totals.sent),
        acked: sum((r) => r.totals.acked),
        delivered: sum((r) => r.totals.delivered),
        refused: sum((r) => r.totals.refused),
      },
      integrity: {
        lost: sum((r) => r.integrity.lost),
        doubled: sum((r) => r.integrity.doubled),
        outOfOrder: sum((r) => r.integrity.outOfOrder),
        unacked: sum((r) => r.integrity.unacked),
        unanswered: sum((r) => r.integrity.unanswered),
        misrouted: sum((r) => r.integrity.misrouted),
      },
      errors,
    };
  } finally {
    await Promise.allSettled(shards.map((s) => s.close()));
  }
}

/**
 * The usage of several processes (the nodes of a cluster) as one: CPU and RSS add up; the busiest
 * thread is the busiest of any node.
 */
export function sumUsage(nodes: readonly ProcUsage[]): ProcUsage {
  const sum = (f: (u: ProcUsage) => number) => nodes.reduce((a, u) => a + f(u), 0);
  const waits = nodes.map((u) => u.runQueueWaitPercent);
  const busiest = nodes.map((u) => u.busiestThreadPercent);
  return {
    cpuPercent: sum((u) => u.cpuPercent),
    ...(waits.every((w) => w !== undefined) && { runQueueWaitPercent: sum((u) => u.runQueueWaitPercent!) }),
    ...(busiest.every((b) => b !== undefined) && {
      busiestThreadPercent: Math.max(...(busiest as number[])),
    }),
    rssStartMiB: sum((u) => u.rssStartMiB),
    rssPeakMiB: sum((u) => u.rssPeakMiB),
    rssEndMiB: sum((u) => u.rssEndMiB),
  };
}

/** Waits `seconds`, calling `onTick` about four times a second. */
async function ticking(
  seconds: number,
  onTick: (fraction: number, elapsedS: number) => void | Promise<void>,
): Promise<void> {
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  for (let now = t0; now < end; now = performance.now()) {
    await sleep(Math.min(250, end - now));
    const elapsed = (performance.now() - t0) / 1000;
    await onTick(Math.min(1, elapsed / seconds), elapsed);
  }
}
