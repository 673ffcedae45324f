import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { compareAtSaturation, type Variant } from './interleave.js';
import { compareAtRate, halfOfSaturation } from './levels.js';
import type { AgainstResult, Scenario } from './types.js';

/**
 * This checkout's Parley against another build of it (`--against <checkout>`: a clone or `git
 * worktree`, built), same saturation load, interleaved: what a change buys or costs, measured side by
 * side rather than against figures from another hour of a shared machine. Then both at a fixed
 * rate, half of what the other build reached at the last load: where the ack p99 target applies,
 * and where a message costs more than at saturation (smaller commits). Skipped without `--against`.
 */
export const against: Scenario = {
  name: 'against',
  describe: "this checkout's Parley vs another build of it (--against <checkout>), same load, interleaved",
  async run(ctx): Promise<AgainstResult> {
    if (ctx.against === undefined)
      return { kind: 'against', against: '', levels: [], skipped: 'needs --against <checkout>' };
    const script = otherServer(ctx.against);
    const builds: [Omit<Variant, 'target'>, Omit<Variant, 'target'>] = [
      { id: 'this', label: 'Parley, this checkout' },
      { id: 'other', label: `Parley, ${ctx.against}`, parley: { script } },
    ];
    const levels = (await compareAtSaturation(ctx, builds, 'against')).map(
      ({ pairs, window, runs: [current, other] }) => ({ pairs, window, current, other }),
    );
    const last = levels.at(-1)!;
    const load = { pairs: last.pairs, rate: halfOfSaturation(last.other.ackedPerSec) };
    const [current, other] = await compareAtRate(
      ctx,
      builds,
      load,
      `against ${load.pairs} pairs at ${load.rate} msg/s`,
    );
    const rate = {
      pairs: load.pairs,
      offeredPerSec: load.rate,
      realtime: ctx.realtime === true,
      current: current!,
      other: other!,
    };
    const commit = commitOf(ctx.against);
    return {
      kind: 'against',
      against: ctx.against,
      ...(commit !== undefined && { commit }),
      levels,
      rate,
    };
  },
};

/** The other checkout's built server, or a clear error. */
export function otherServer(checkout: string): string {
  const script = path.join(checkout, 'packages/server/dist/main.js');
  if (!existsSync(script))
    throw new Error(`--against: no built server at ${script} (run npm ci and npm run build there)`);
  return script;
}

/** The other checkout's commit, when it is a git checkout. */
function commitOf(checkout: string): string | undefined {
  try {
    return execFileSync('git', ['-C', checkout, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}
