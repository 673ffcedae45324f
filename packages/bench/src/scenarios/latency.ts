import { runInterleaved } from './interleave.js';
import {
  FIRST_ROUND_WARMUP_S,
  generatorThreadsFor,
  halfOfSaturation,
  type LevelSpec,
  levelLabel,
  runLevels,
} from './levels.js';
import type { Scenario, ScenarioContext } from './types.js';

/**
 * Latency at fixed offered rates below saturation (open loop, evenly spaced sends): 2,500 and
 * 10,000 msg/s, and half of the rate Parley saturates at with the same pairs (probed first), where
 * the ack p99 target applies. With `--realtime` the fixed-rate runs (not the probe) put the
 * generator and the servers under real-time scheduling.
 */
export const latency: Scenario = {
  name: 'latency',
  describe:
    "ack and end-to-end latency at fixed offered rates (half of Parley's saturation, 2,500 and 10,000 msg/s over 1,000 pairs)",
  async run(ctx) {
    const quick = ctx.mode === 'quick';
    const pairs = quick ? 100 : 1000;
    const probe = await probeSaturation(ctx, pairs, quick);
    const half = halfOfSaturation(probe.ackedPerSec);
    const fixed: (LevelSpec & { rate: number })[] = quick
      ? [{ pairs, rate: 1000 }]
      : [
          { pairs, rate: 2_500 },
          { pairs, rate: 10_000 },
        ];
    // At a fixed rate the generator's work is spread over 2,000 sockets with little batching: it
    // needs about a core at 10,000 msg/s, so the faster levels get a thread more.
    const levels = [{ pairs, rate: half }, ...fixed.filter((l) => l.rate !== half)].map((l) => ({
      ...l,
      threads: ctx.threads ?? generatorThreadsFor(l.rate),
    }));
    const threads = ctx.threads ?? 1;
    const timing = quick
      ? { durationS: 1.5, warmupS: 0.5, rounds: 1, threads }
      : { durationS: 16, warmupS: 1.5, firstWarmupS: FIRST_ROUND_WARMUP_S, rounds: 4, threads };
    return {
      kind: 'latency',
      levels: await runLevels('latency', levels, timing, ctx, ctx.realtime === true),
      probe: { ...probe, halfSaturation: levelLabel(levels[0]!) },
      ...(ctx.realtime && { realtime: true }),
      ...(timing.firstWarmupS !== undefined && {
        firstWarmupS: timing.firstWarmupS,
        warmupS: timing.warmupS,
      }),
    };
  },
};

/** Parley alone in window mode (as in `saturation`), for the rate it saturates at. */
async function probeSaturation(ctx: ScenarioContext, pairs: number, quick: boolean) {
  const window = 2;
  const { runs } = await runInterleaved(
    [{ id: 'parley', target: 'parley', label: 'Parley' }],
    { pairs, window, warmupS: quick ? 0.5 : 1.5, durationS: quick ? 1.5 : 8, threads: 1 },
    { ...ctx, cpuProfile: false },
    { rounds: 1, stage: `latency: Parley's saturation at ${pairs} pairs` },
  );
  return { pairs, window, ackedPerSec: runs[0]!.ackedPerSec };
}
