import os from 'node:os';
import type { LoadSpec } from '../load/generator.js';
import type { LoadRun } from '../load/run-result.js';
import { compareParley, runInterleaved, targetVariants, type Variant } from './interleave.js';
import type { LoadLevel, ScenarioContext } from './types.js';

export interface LevelSpec {
  pairs: number;
  window?: number;
  rate?: number;
  /** Load generator threads for this level (default: the timing's). */
  threads?: number;
}

/** Messages a second one generator thread is given at a fixed rate (about half of what it can do). */
export const RATE_PER_GENERATOR_THREAD = 6_000;

/**
 * Generator threads for a fixed rate: one per 6,000 msg/s offered, at most one per CPU. A thread more
 * than the rate needs only competes with the server for the same cores, which shows in its tail
 * latencies (on two cores, a second thread at 4,400 msg/s put Parley's ack p99 at 13-21 ms instead of 7-14).
 */
export function generatorThreadsFor(rate: number): number {
  return Math.max(1, Math.min(os.availableParallelism(), Math.ceil(rate / RATE_PER_GENERATOR_THREAD)));
}

/** Half of a saturation rate, in hundreds of msg/s (at least 100): where the ack p99 target applies. */
export function halfOfSaturation(ackedPerSec: number): number {
  return Math.max(100, Math.round(ackedPerSec / 2 / 100) * 100);
}

export interface LevelTiming {
  durationS: number;
  warmupS: number;
  /** The warm-up of each server's first round, if longer (see FIRST_ROUND_WARMUP_S). */
  firstWarmupS?: number;
  rounds: number;
  /** Load generator threads. */
  threads: number;
}

/**
 * The warm-up of each server's first round at a fixed rate, where the ack p99 is measured (the
 * other rounds warm up for 1.5 s). A server just started has a transient of several seconds under
 * its first load: in 13 runs of Parley at 8,300 msg/s in a slow phase of this machine, its first
 * rounds had an ack p99 of 26-854 ms (median 82, four over 300), its later rounds 15-150 ms (median
 * 47); with 10 s of warm-up its first rounds were like the others (docs/benchmarks.md, the
 * twenty-second pass of issue 14). The target is about a running server, so every server gets this
 * warm-up, baselines too.
 */
export const FIRST_ROUND_WARMUP_S = 10;

export function levelLabel(l: LevelSpec): string {
  const pairs = `${l.pairs.toLocaleString('en-US')} pairs`;
  return l.rate === undefined
    ? `${pairs}, window ${l.window ?? 16}`
    : `${pairs}, ${l.rate.toLocaleString('en-US')} msg/s offered`;
}

/**
 * Runs each load level against every target of the context, interleaved; `realtime` puts the
 * generator and the servers under real-time scheduling meanwhile (see `setRealtime`).
 */
export async function runLevels(
  name: string,
  levels: readonly LevelSpec[],
  timing: LevelTiming,
  ctx: ScenarioContext,
  realtime = false,
): Promise<LoadLevel[]> {
  const out: LoadLevel[] = [];
  for (const level of levels) {
    const label = levelLabel(level);
    const spec: LoadSpec = {
      pairs: level.pairs,
      warmupS: timing.warmupS,
      durationS: ctx.durationS ?? timing.durationS,
      threads: level.threads ?? timing.threads,
      ...(level.window !== undefined && { window: level.window }),
      ...(level.rate !== undefined && { rate: level.rate }),
    };
    const { runs, profiles, natives } = await runInterleaved(targetVariants(ctx.targets), spec, ctx, {
      rounds: timing.rounds,
      ...(timing.firstWarmupS !== undefined && { firstWarmupS: timing.firstWarmupS }),
      stage: `${name} ${label}`,
      realtime,
      perf: ctx.nativeProfile === true,
    });
    const result: LoadLevel = {
      label,
      pairs: level.pairs,
      window: level.rate === undefined ? (level.window ?? 16) : null,
      offeredPerSec: level.rate ?? null,
      runs,
    };
    if (profiles.length > 0) result.profiles = profiles;
    if (natives.length > 0) result.natives = natives;
    out.push(result);
    for (const r of runs) {
      ctx.progress.log(
        `  ${name} ${label} · ${r.target}: ${Math.round(r.ackedPerSec).toLocaleString('en-US')} acked/s, ` +
          `ack p99 ${r.ack.p99} ms, lost ${r.integrity.lost}, doubled ${r.integrity.doubled}`,
      );
    }
  }
  return out;
}

/**
 * Parley in several configurations at one fixed rate, interleaved, as `compareParley` does it at
 * saturation: with the first round's warm-up (FIRST_ROUND_WARMUP_S) and, with `--realtime`, under
 * real-time scheduling, as the latency scenario's fixed rates (the aged and against scenarios).
 */
export function compareAtRate(
  ctx: ScenarioContext,
  variants: readonly Omit<Variant, 'target'>[],
  load: { pairs: number; rate: number },
  stage: string,
): Promise<LoadRun[]> {
  return compareParley(ctx, variants, load, stage, {
    threads: generatorThreadsFor(load.rate),
    realtime: ctx.realtime === true,
    ...(ctx.mode !== 'quick' && { firstWarmupS: FIRST_ROUND_WARMUP_S }),
  });
}
