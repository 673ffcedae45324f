import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type FanoutPartial, mergeFanoutRounds } from '../load/fanout-result.js';
import { type FanoutKind, FanoutUnsupported, runFanoutRound } from '../load/fanout-run.js';
import { type ParleyOptions, type RunningTarget, startTarget, TARGET_LABELS } from '../targets.js';
import { collectProfiles } from './interleave.js';
import type { FanoutLevel, FanoutResult, ScenarioContext } from './types.js';

export interface FanoutScale {
  connections: number;
  senders: number;
  /** Messages per second offered over all senders, one level each. */
  rates: readonly number[];
  /** Measured seconds per target and rate (split over the rounds). */
  durationS: number;
  warmupS: number;
  rounds: number;
}

const count = (n: number) => n.toLocaleString('en-US');

export function fanoutLabel(
  kind: FanoutKind,
  s: { connections: number; senders: number },
  rate: number,
): string {
  const who = kind === 'group' ? `${count(s.connections)} members` : `${count(s.connections)} in the room`;
  return `${who}, ${s.senders} senders, ${count(rate)} msg/s offered`;
}

/**
 * Parley and the ws relay side by side (the Socket.IO relay has no groups or rooms: its driver
 * carries actions 1 to 5 only), each rate measured in rounds that take turns between them, with
 * fresh users (and a fresh group or room) every round.
 */
export async function runFanoutScenario(
  kind: FanoutKind,
  scale: FanoutScale,
  ctx: ScenarioContext,
): Promise<FanoutResult> {
  const targets = ctx.targets.filter((t) => t !== 'socketio');
  const result: FanoutResult = { kind, connections: scale.connections, senders: scale.senders, levels: [] };
  const started: RunningTarget[] = [];
  const profileDirs: string[] = [];
  try {
    for (const t of targets) {
      const opts: ParleyOptions = {};
      if (t === 'parley' && ctx.cpuProfile && ctx.profileDir) {
        const dir = path.join(ctx.profileDir, kind);
        mkdirSync(dir, { recursive: true });
        profileDirs.push(dir);
        opts.nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
      }
      ctx.progress.stage(`${kind} · starting ${TARGET_LABELS[t]}`);
      started.push(await startTarget(t, opts));
    }
    const durationS = ctx.durationS ?? scale.durationS;
    for (const [li, rate] of scale.rates.entries()) {
      const label = fanoutLabel(kind, scale, rate);
      const parts: FanoutPartial[][] = started.map(() => []);
      for (let r = 0; r < scale.rounds; r++) {
        for (const [i, t] of started.entries()) {
          const round = scale.rounds > 1 ? ` · round ${r + 1}/${scale.rounds}` : '';
          ctx.progress.stage(`${kind} ${label} · ${TARGET_LABELS[t.name]}${round}`);
          try {
            const part = await runFanoutRound(
              t,
              {
                kind,
                connections: scale.connections,
                senders: scale.senders,
                rate,
                warmupS: scale.warmupS,
                durationS: durationS / scale.rounds,
                userPrefix: `${kind[0]}${li}_${r}_`,
              },
              (f, d) => ctx.progress.update(f, d),
            );
            parts[i]!.push(part);
          } catch (err) {
            if (!(err instanceof FanoutUnsupported)) throw err;
            result.skipped = `${TARGET_LABELS[t.name]} does not support it: ${err.message}`;
            ctx.progress.log(`  ${kind}: skipped, ${result.skipped}`);
            return result;
          }
        }
      }
      const level: FanoutLevel = {
        label,
        offeredPerSec: rate,
        runs: parts.map((p) => mergeFanoutRounds(p, { ...scale, rate })),
      };
      result.levels.push(level);
      for (const run of level.runs) {
        ctx.progress.log(
          `  ${kind} ${label} · ${run.target}: ${count(Math.round(run.deliveredPerSec))} deliveries/s, ` +
            `all members p50 ${run.allMembers.p50} ms p99 ${run.allMembers.p99} ms, ` +
            `${run.serverCpuUsPerDelivery.toFixed(1)} µs server CPU per delivery, ` +
            `lost ${run.integrity.lost}, doubled ${run.integrity.doubled + run.integrity.echoed}`,
        );
      }
    }
  } finally {
    await Promise.all(started.map((t) => t.stop()));
  }
  if (profileDirs.length > 0) result.profiles = collectProfiles(profileDirs);
  return result;
}
