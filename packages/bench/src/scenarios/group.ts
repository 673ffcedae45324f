import { runFanoutScenario } from './fanout.js';
import type { Scenario } from './types.js';

/**
 * Fan-out to a group: one message to a 500-member group is stored once, serialized once and written
 * to every member's connection. Measured per message until the last member has it, per delivery,
 * and in server CPU per delivered frame, against the ws relay fanning out the same frame.
 */
export const group: Scenario = {
  name: 'group',
  describe: 'a group of 500 members, 5 of them sending at a fixed rate: latency until all members have it',
  run: (ctx) =>
    runFanoutScenario(
      'group',
      ctx.mode === 'quick'
        ? { connections: 50, senders: 5, rates: [50], durationS: 1, warmupS: 0.3, rounds: 1 }
        : { connections: 500, senders: 5, rates: [10, 50], durationS: 16, warmupS: 1, rounds: 2 },
      ctx,
    ),
};
