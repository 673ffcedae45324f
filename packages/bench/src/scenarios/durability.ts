import { runInterleaved } from './interleave.js';
import type { Scenario } from './types.js';

/** The cost of durability: the same saturation load with SQLITE_SYNC=normal and =full (fsync per commit). */
export const durability: Scenario = {
  name: 'durability',
  describe: 'Parley with SQLITE_SYNC=normal vs full (an fsync per group commit), same load',
  async run(ctx) {
    const quick = ctx.mode === 'quick';
    const pairs = quick ? 10 : 100;
    const window = 8;
    const { runs } = await runInterleaved(
      [
        {
          id: 'normal',
          target: 'parley',
          label: 'Parley SQLITE_SYNC=normal',
          parley: { sqliteSync: 'normal' },
        },
        { id: 'full', target: 'parley', label: 'Parley SQLITE_SYNC=full', parley: { sqliteSync: 'full' } },
      ],
      {
        pairs,
        window,
        warmupS: quick ? 0.5 : 1.5,
        durationS: ctx.durationS ?? (quick ? 1.5 : 16),
        threads: ctx.threads ?? 1,
      },
      ctx,
      { rounds: quick ? 1 : 4, stage: 'durability' },
    );
    return { kind: 'durability', normal: runs[0]!, full: runs[1]!, pairs, window };
  },
};
