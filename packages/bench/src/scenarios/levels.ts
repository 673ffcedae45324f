import type { LoadSpec } from '../load/generator.js';
import { runInterleaved, targetVariants } from './interleave.js';
import type { LoadLevel, ScenarioContext } from './types.js';

export interface LevelSpec {
  pairs: number;
  window?: number;
  rate?: number;
}

export interface LevelTiming {
  durationS: number;
  warmupS: number;
  rounds: number;
  /** Load generator threads. */
  threads: number;
}

export function levelLabel(l: LevelSpec): string {
  const pairs = `${l.pairs.toLocaleString('en-US')} pairs`;
  return l.rate === undefined
    ? `${pairs}, window ${l.window ?? 16}`
    : `${pairs}, ${l.rate.toLocaleString('en-US')} msg/s offered`;
}

/** Runs each load level against every target of the context, interleaved. */
export async function runLevels(
  name: string,
  levels: readonly LevelSpec[],
  timing: LevelTiming,
  ctx: ScenarioContext,
): Promise<LoadLevel[]> {
  const out: LoadLevel[] = [];
  for (const level of levels) {
    const label = levelLabel(level);
    const spec: LoadSpec = {
      pairs: level.pairs,
      warmupS: timing.warmupS,
      durationS: ctx.durationS ?? timing.durationS,
      threads: timing.threads,
      ...(level.window !== undefined && { window: level.window }),
      ...(level.rate !== undefined && { rate: level.rate }),
    };
    const { runs, profiles } = await runInterleaved(targetVariants(ctx.targets), spec, ctx, {
      rounds: timing.rounds,
      stage: `${name} ${label}`,
    });
    const result: LoadLevel = {
      label,
      pairs: level.pairs,
      window: level.rate === undefined ? (level.window ?? 16) : null,
      offeredPerSec: level.rate ?? null,
      runs,
    };
    if (profiles.length > 0) result.profiles = profiles;
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
