import { runFanoutScenario } from './fanout.js';
import type { Scenario } from './types.js';

/**
 * Fan-out to a chat room: 10,000 connections joined one room (action 18), 4 of them sending at a
 * fixed rate. Nothing is stored per listener, so this is the live fan-out path alone.
 */
export const room: Scenario = {
  name: 'room',
  describe: '10,000 connections in one chat room, 4 of them sending: latency until all listeners have it',
  run: (ctx) =>
    runFanoutScenario(
      'room',
      ctx.mode === 'quick'
        ? { connections: 200, senders: 4, rates: [5, 20], durationS: 1.5, warmupS: 0.5, rounds: 1 }
        : { connections: 10_000, senders: 4, rates: [1, 4], durationS: 16, warmupS: 1, rounds: 2 },
      ctx,
    ),
};
