import path from 'node:path';
import { runRound } from '../load/generator.js';
import { type LoadPartial, mergeRounds } from '../load/run-result.js';
import { benchDir } from '../paths.js';
import { runNodeScript } from '../process/children.js';
import { startTarget } from '../targets.js';
import type { CalibrateResult, MinimalLoaderRound, Scenario } from './types.js';

const LOADER = path.join(benchDir, 'dist/tools/minimal-loader.js');

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Is the generator the bottleneck? The minimal loader (src/tools/minimal-loader.ts, one process,
 * plain ws and JSON.stringify) and the bench's generator drive the same ws relay with the same load,
 * in turns. If the generator reaches what the minimal loader reaches, the relay's figure (and so
 * Parley's ratio to it) is the relay's, not the generator's.
 */
export const calibrate: Scenario = {
  name: 'calibrate',
  describe: 'the minimal loader and the bench generator against the ws relay, same load, interleaved',
  async run(ctx) {
    const quick = ctx.mode === 'quick';
    const pairs = 100;
    const window = 8;
    const rounds = quick ? 1 : 4;
    const warmupS = quick ? 0.5 : 1.5;
    const perRoundS = (ctx.durationS ?? (quick ? 1.5 : 20)) / rounds;
    const relay = await startTarget('ws');
    const minimal: MinimalLoaderRound[] = [];
    const parts: LoadPartial[] = [];
    try {
      for (let r = 0; r < rounds; r++) {
        const of = rounds > 1 ? ` · round ${r + 1}/${rounds}` : '';
        ctx.progress.stage(`calibrate · minimal loader${of}`);
        const out = await runNodeScript(LOADER, [
          ...['--url', relay.url, '--pairs', String(pairs), '--window', String(window)],
          ...['--warmup', String(warmupS), '--duration', String(perRoundS)],
          ...['--prefix', `c${r}_`, '--server-pid', String(relay.pid)],
        ]);
        const m = JSON.parse(out.trim().split('\n').pop()!) as MinimalLoaderRound;
        minimal.push(m);
        ctx.progress.stage(`calibrate · bench generator${of}`);
        parts.push(
          await runRound(
            relay,
            // the minimal loader confirms each message: so does the generator here, for the same load
            {
              pairs,
              window,
              warmupS,
              durationS: perRoundS,
              threads: 1,
              userPrefix: `g${r}_`,
              confirm: 'each',
            },
            (f, d) => ctx.progress.update(f, d),
          ),
        );
      }
    } finally {
      await relay.stop();
    }
    const bench = mergeRounds(parts);
    const benchRounds = parts.map((p) => p.counts.acked / p.measuredS);
    const minimalRounds = minimal.map((m) => m.ackedPerSec);
    const result: CalibrateResult = {
      kind: 'calibrate',
      pairs,
      window,
      minimal: {
        rounds: minimal,
        ackedPerSecMedian: median(minimalRounds),
        loaderCpuPercentMedian: median(minimal.map((m) => m.cpuPercent)),
        relayCpuPercentMedian: median(minimal.map((m) => m.serverCpuPercent ?? 0)),
        relayCpuUsPerMsgMedian: median(
          minimal.map((m) => ((m.serverCpuPercent ?? 0) * m.seconds * 1e4) / Math.max(1, m.acked)),
        ),
      },
      bench,
      benchAckedPerSecRounds: benchRounds,
      benchAckedPerSecMedian: median(benchRounds),
      ratio: median(benchRounds) / Math.max(1, median(minimalRounds)),
    };
    ctx.progress.log(
      `  calibrate: minimal loader ${Math.round(result.minimal.ackedPerSecMedian)} acked/s, ` +
        `bench generator ${Math.round(result.benchAckedPerSecMedian)} acked/s (ratio ${result.ratio.toFixed(2)})`,
    );
    return result;
  },
};
