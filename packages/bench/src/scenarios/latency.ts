import { runLevels } from './levels.js';
import type { Scenario } from './types.js';

/** Latency at fixed offered rates below saturation (open loop, evenly spaced sends). */
export const latency: Scenario = {
  name: 'latency',
  describe: 'ack and end-to-end latency at fixed offered rates (2,500 and 10,000 msg/s over 1,000 pairs)',
  async run(ctx) {
    const quick = ctx.mode === 'quick';
    const levels = quick
      ? [{ pairs: 100, rate: 1000 }]
      : [
          { pairs: 1000, rate: 2_500 },
          { pairs: 1000, rate: 10_000 },
        ];
    // At a fixed rate the generator's work is spread over 2,000 sockets with little batching; two
    // threads keep its own queueing out of the latencies (it needs about a core at 10,000 msg/s).
    const threads = ctx.threads ?? 2;
    const timing = quick
      ? { durationS: 1.5, warmupS: 0.5, rounds: 1, threads }
      : { durationS: 16, warmupS: 1.5, rounds: 4, threads };
    return { kind: 'latency', levels: await runLevels('latency', levels, timing, ctx) };
  },
};
