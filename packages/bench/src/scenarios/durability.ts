import { compareParley } from './interleave.js';
import type { Scenario } from './types.js';

/** The cost of durability: the same saturation load with SQLITE_SYNC=normal and =full (fsync per commit). */
export const durability: Scenario = {
  name: 'durability',
  describe: 'Parley with SQLITE_SYNC=normal vs full (an fsync per group commit), same load',
  async run(ctx) {
    const pairs = ctx.mode === 'quick' ? 10 : 100;
    const window = 8;
    const [normal, full] = await compareParley(
      ctx,
      [
        { id: 'normal', label: 'Parley SQLITE_SYNC=normal', parley: { sqliteSync: 'normal' } },
        { id: 'full', label: 'Parley SQLITE_SYNC=full', parley: { sqliteSync: 'full' } },
      ],
      { pairs, window },
      'durability',
    );
    return { kind: 'durability', normal: normal!, full: full!, pairs, window };
  },
};
