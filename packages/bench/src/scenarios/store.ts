import { existsSync } from 'node:fs';
import path from 'node:path';
import { NODE_FLAGS } from '@parley/server';
import { benchDir, repoDir } from '../paths.js';
import { runNodeScript } from '../process/children.js';
import { type Scenario, type StoreLabRun, THIS_BUILD } from './types.js';

const LAB = path.join(benchDir, 'dist/tools/store-lab.js');
/** Where a built checkout has the SQLite store (the lab imports it). */
const STORE_MODULE = 'packages/server/dist/store/sqlite/sqlite-store.js';

/** The built SQLite store of a checkout. */
export function storeModuleOf(checkout: string): string {
  const file = path.join(checkout, STORE_MODULE);
  if (!existsSync(file))
    throw new Error(`no built SQLite store at ${file} (run npm ci and npm run build there)`);
  return file;
}

/** The lab's sizes: full, and quick (seconds, for the tests and `--quick`). */
const SIZES = {
  full: { pairs: 1000, prefill: 1_000_000, measured: 200_000, rounds: 2, held: [2, 100] },
  quick: { pairs: 50, prefill: 4_000, measured: 3_000, rounds: 1, held: [2, 10] },
} as const;

/** Messages per commit in the measured part: what a group commit holds at 12,000-15,000 msg/s. */
export const STORE_COMMIT = 12;

/**
 * Parley's SQLite store alone (tools/store-lab.ts): no sockets and no generator beside it, so its
 * CPU per message is the writer's own (it moved by 3-11% between rounds of a build). Two
 * holdings of ids: a second's worth, as the bench's senders hold, and a hundred times that (at
 * 1,000 pairs about a million ids between an id's reservation and its use: 100 s at 10,000 msg/s),
 * as users who keep their ids for minutes would. With `--against`, the other build's store runs
 * the same sequence, interleaved with this checkout's.
 */
export const store: Scenario = {
  name: 'store',
  describe:
    'the SQLite store alone (no sockets): CPU per message in commits of 12, ids held a second or about 100 s; with --against, both builds',
  async run(ctx) {
    const size = SIZES[ctx.mode];
    const builds = [{ build: THIS_BUILD, module: storeModuleOf(repoDir) }];
    if (ctx.against) builds.push({ build: ctx.against, module: storeModuleOf(ctx.against) });
    const runs: StoreLabRun[] = [];
    for (let round = 1; round <= size.rounds; round++)
      for (const held of size.held)
        for (const { build, module } of builds) {
          const which = build === THIS_BUILD ? build : path.basename(build);
          ctx.progress.stage(`store · ${which}, ${held * 10} ids held · round ${round}/${size.rounds}`);
          const out = await runNodeScript(
            LAB,
            [
              ...['--store', module, '--held', String(held), '--pairs', String(size.pairs)],
              ...['--prefill', String(size.prefill), '--measured', String(size.measured)],
              ...['--commit', String(STORE_COMMIT)],
            ],
            { nodeArgs: NODE_FLAGS, timeoutMs: 600_000 },
          );
          const line = JSON.parse(out.trim().split('\n').pop()!) as Omit<StoreLabRun, 'build' | 'round'>;
          runs.push({ build, round, ...line });
        }
    return { kind: 'store', ...(ctx.against && { against: ctx.against }), runs };
  },
};
