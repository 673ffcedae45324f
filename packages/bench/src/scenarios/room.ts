import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoDir } from '../paths.js';
import { runFanoutScenario } from './fanout.js';
import type { FanoutResult, Scenario } from './types.js';

/**
 * Why Parley cannot run this scenario, if its build has no handler for action 18 (chat rooms are
 * younger than groups): the server's handler map is read, since such a build answers action 18
 * with INTERNAL rather than UNKNOWN_ACTION (the protocol package already validates the frame).
 */
function roomsMissing(): string | undefined {
  const file = path.join(repoDir, 'packages/server/dist/core/handlers/index.js');
  if (!existsSync(file) || /['"]18['"]\s*:/.test(readFileSync(file, 'utf8'))) return undefined;
  return 'this Parley build has no handler for action 18 (join a room) in packages/server/dist/core/handlers/index.js';
}

/**
 * Fan-out to a chat room: 10,000 connections joined one room (action 18), 4 of them sending at a
 * fixed rate. Nothing is stored per listener, so this is the live fan-out path alone.
 */
export const room: Scenario = {
  name: 'room',
  describe: '10,000 connections in one chat room, 4 of them sending: latency until all listeners have it',
  async run(ctx) {
    const scale =
      ctx.mode === 'quick'
        ? { connections: 200, senders: 4, rates: [10], durationS: 1, warmupS: 0.3, rounds: 1 }
        : { connections: 10_000, senders: 4, rates: [1, 2], durationS: 16, warmupS: 1, rounds: 2 };
    const missing = ctx.targets.includes('parley') ? roomsMissing() : undefined;
    if (missing !== undefined) {
      ctx.progress.log(`  room: skipped, ${missing}`);
      const skipped: FanoutResult = { kind: 'room', ...scale, levels: [], skipped: missing };
      return skipped;
    }
    return runFanoutScenario('room', scale, ctx);
  },
};
