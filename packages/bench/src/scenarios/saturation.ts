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
    // One generator thread unless --threads says otherwise: at saturation the server takes a core and
    // the generator the other; on two cores a second generator thread only takes turns with the
    // server (at 1,000 pairs it cut the relay from 15-20k to 14k msg/s and raised its CPU per message).
    const threads = ctx.threads ?? 1;
    const timing = quick
      ? { durationS: 1.5, warmupS: 0.5, rounds: 1, threads }
      : { durationS: 20, warmupS: 1.5, rounds: 4, threads };
    return { kind: 'saturation', levels: await runLevels('saturation', levels, timing, ctx) };
  },
};
