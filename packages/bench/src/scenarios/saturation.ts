import { runLevels } from './levels.js';
import type { Scenario } from './types.js';

/** Saturation: every sender keeps a window of unacknowledged messages; how many get through? */
export const saturation: Scenario = {
  name: 'saturation',
  describe: 'closed-loop throughput, each sender keeping a window of unacknowledged messages',
  async run(ctx) {
    const quick = ctx.mode === 'quick';
    const levels = quick
      ? [
          { pairs: 10, window: 16 },
          { pairs: 50, window: 4 },
        ]
      : [
          { pairs: 100, window: 8 },
          { pairs: 1000, window: 2 },
        ];
    // One generator thread: at saturation the server takes a core and the generator the other; a
    // second generator thread would only take turns with the server on the same two cores.
    const timing = quick
      ? { durationS: 1.5, warmupS: 0.5, rounds: 1, threads: 1 }
      : { durationS: 20, warmupS: 1.5, rounds: 4, threads: 1 };
    return { kind: 'saturation', levels: await runLevels('saturation', levels, timing, ctx) };
  },
};
