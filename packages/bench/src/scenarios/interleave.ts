import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type ConfirmMode, DEFAULT_CONFIRM } from '../load/context.js';
import type { LoadSpec } from '../load/generator.js';
import { runRound } from '../load/generator.js';
import { type LoadPartial, type LoadRun, mergeRounds } from '../load/run-result.js';
import { PERF_HZ, PERF_NODE_ARGS, perfWindows, removePerfMap } from '../process/perf-record.js';
import { setRealtime } from '../process/realtime.js';
import { type NativeProfileSummary, NativeSamples } from '../report/native-profile.js';
import { type ProfileSummary, summarizeProfile } from '../report/profile.js';
import {
  type ParleyOptions,
  type RunningTarget,
  startTarget,
  TARGET_LABELS,
  type TargetName,
} from '../targets.js';
import type { ScenarioContext } from './types.js';

/** A server configuration to measure: a target, and for Parley its options. */
export interface Variant {
  id: string;
  target: TargetName;
  label: string;
  parley?: ParleyOptions;
  /** Starts the server(s) itself (a cluster deployment); `nodeArgs` as for Parley. */
  start?: (nodeArgs: string[]) => Promise<RunningTarget>;
  /** How its recipients confirm, when the variant is the load rather than the server. */
  confirm?: ConfirmMode;
}

export function targetVariants(targets: readonly TargetName[]): Variant[] {
  return targets.map((t) => ({ id: t, target: t, label: TARGET_LABELS[t] }));
}

export interface Interleaved {
  runs: LoadRun[];
  profiles: ProfileSummary[];
  /** `--perf`: each Parley variant's threads over its measured windows. */
  natives: NativeProfileSummary[];
}

/**
 * Measures the same load against every variant. All servers run side by side and the measured time
 * is split into rounds that take turns (Parley, ws, Socket.IO, Parley, ...), so that a change in
 * the background load of a shared machine hits every variant alike and the ratios hold.
 */
export async function runInterleaved(
  variants: readonly Variant[],
  spec: LoadSpec,
  ctx: ScenarioContext,
  opts: {
    rounds: number;
    stage: string;
    realtime?: boolean;
    perf?: boolean;
    /** The warm-up of each server's first round, if not `spec.warmupS` (see FIRST_ROUND_WARMUP_S). */
    firstWarmupS?: number;
  },
): Promise<Interleaved> {
  const started: RunningTarget[] = [];
  const profileDirs: string[] = [];
  // `perf`: a Parley server of one process. `--perf-basic-prof` names its JavaScript frames (in
  // /tmp/perf-<pid>.map); the V8 log that flag also opens goes to a temporary file, not the cwd
  const natives = variants.map((v) =>
    opts.perf && v.target === 'parley' && !v.start ? new NativeSamples() : undefined,
  );
  let recorders: (ReturnType<typeof perfWindows> | undefined)[] = [];
  let runs: LoadRun[];
  try {
    for (const [i, v] of variants.entries()) {
      const parley: ParleyOptions = { ...v.parley };
      if (natives[i]) parley.nodeArgs = [...(parley.nodeArgs ?? []), ...PERF_NODE_ARGS];
      if (v.target === 'parley' && ctx.cpuProfile && ctx.profileDir) {
        const dir = path.join(ctx.profileDir, `${opts.stage.replace(/\W+/g, '-')}-${v.id}`);
        mkdirSync(dir, { recursive: true });
        profileDirs.push(dir);
        parley.nodeArgs = [...(parley.nodeArgs ?? []), '--cpu-prof', `--cpu-prof-dir=${dir}`];
      }
      ctx.progress.stage(`${opts.stage} · starting ${v.label}`);
      started.push(v.start ? await v.start(parley.nodeArgs ?? []) : await startTarget(v.target, parley));
    }
    recorders = started.map((t, i) => natives[i] && perfWindows(t.pid, natives[i]));
    if (opts.realtime) {
      // the servers' threads, then the generator's (its load threads start later and inherit it)
      for (const t of started) for (const pid of t.nodePids ?? [t.pid]) setRealtime(pid, true);
      setRealtime(process.pid, true);
    }
    const parts: LoadPartial[][] = variants.map(() => []);
    for (let r = 0; r < opts.rounds; r++) {
      for (const [i, v] of variants.entries()) {
        const round = opts.rounds > 1 ? ` · round ${r + 1}/${opts.rounds}` : '';
        ctx.progress.stage(`${opts.stage} · ${v.label}${round}`);
        const part = await runRound(
          started[i]!,
          {
            ...spec,
            warmupS: r === 0 ? (opts.firstWarmupS ?? spec.warmupS) : spec.warmupS,
            durationS: spec.durationS / opts.rounds,
            userPrefix: `${r}_`,
            confirm: v.confirm ?? spec.confirm ?? ctx.confirm ?? DEFAULT_CONFIRM,
          },
          (f, d) => ctx.progress.update(f, d),
          recorders[i],
        );
        parts[i]!.push(part);
      }
    }
    runs = parts.map((p) => mergeRounds(p));
  } finally {
    for (const r of recorders) r?.close();
    await Promise.all(started.map((t) => t.stop()));
    for (const [i, t] of started.entries()) if (natives[i]) removePerfMap(t.pid);
    if (opts.realtime) restoreTimeSharing();
  }
  return {
    runs,
    profiles: collectProfiles(profileDirs),
    natives: natives.flatMap((n, i) => (n ? [n.summary(started[i]!.pid, PERF_HZ)] : [])),
  };
}

/** Puts the harness back under time-sharing; a failure here must not hide the run's own error. */
function restoreTimeSharing(): void {
  try {
    setRealtime(process.pid, false);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
  }
}

/** Summaries of the `.cpuprofile` files written under `dirs` (Node writes them when the process exits). */
export function collectProfiles(dirs: readonly string[]): ProfileSummary[] {
  const out: ProfileSummary[] = [];
  for (const dir of dirs) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'))) {
      out.push(summarizeProfile(path.join(dir, f)));
    }
  }
  return out;
}

/**
 * Parley in several configurations under the same load, interleaved: what one setting costs or
 * buys (durability, writer). At saturation (`pairs` senders, each keeping `window` messages
 * unacknowledged) by default; `compareAtRate` (levels.ts) gives a fixed rate and the fixed-rate
 * runs' settings in `opts`. Runs in the order of `variants`.
 */
export async function compareParley(
  ctx: ScenarioContext,
  variants: readonly Omit<Variant, 'target'>[],
  load: { pairs: number; window: number } | { pairs: number; rate: number },
  stage: string,
  opts: { threads?: number; realtime?: boolean; firstWarmupS?: number } = {},
): Promise<LoadRun[]> {
  const quick = ctx.mode === 'quick';
  const { runs } = await runInterleaved(
    variants.map((v) => ({ ...v, target: 'parley' as const })),
    {
      ...load,
      warmupS: quick ? 0.5 : 1.5,
      durationS: ctx.durationS ?? (quick ? 1.5 : 16),
      threads: ctx.threads ?? opts.threads ?? 1,
    },
    ctx,
    { rounds: parleyRounds(ctx), stage, realtime: opts.realtime, firstWarmupS: opts.firstWarmupS },
  );
  return runs;
}

/** The rounds of `compareParley` (users `0_s0`, `0_r0`, ... in the first, `1_s0`, ... in the second). */
export function parleyRounds(ctx: ScenarioContext): number {
  return ctx.mode === 'quick' ? 1 : 4;
}

/**
 * Two ways of running Parley (server options or load) at both saturation loads (one small load
 * when quick), each load measured against both, interleaved: the writer and confirm scenarios.
 */
export async function compareAtSaturation(
  ctx: ScenarioContext,
  variants: readonly [Omit<Variant, 'target'>, Omit<Variant, 'target'>],
  name: string,
): Promise<{ pairs: number; window: number; runs: [LoadRun, LoadRun] }[]> {
  const levels =
    ctx.mode === 'quick'
      ? [{ pairs: 10, window: 8 }]
      : [
          { pairs: 100, window: 8 },
          { pairs: 1000, window: 2 },
        ];
  const out = [];
  for (const { pairs, window } of levels) {
    const [a, b] = await compareParley(ctx, variants, { pairs, window }, `${name} ${pairs} pairs`);
    out.push({ pairs, window, runs: [a!, b!] as [LoadRun, LoadRun] });
  }
  return out;
}
