import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIRM } from '../load/context.js';
import { type LoadRun, runLoad } from '../load/generator.js';
import { startParley } from '../targets.js';
import { walPages } from '../tools/wal-pages.js';
import { type Scenario, type ScenarioContext, type WalLevel, type WalLoad, walLoadLabel } from './types.js';

/** No checkpoint during the run: the WAL keeps every page every commit wrote. */
const NO_CHECKPOINT_MS = String(60 * 60_000);

/**
 * Which tables and indexes Parley's commits write, at saturation and at a moderate rate: Parley alone
 * with checkpoints off, killed after the run, its WAL's frames counted per B-tree
 * (`tools/wal-pages.ts`). A commit writes every page it changed, in full; this says which B-trees
 * those pages belong to. At a moderate rate a commit holds a message or two, so every page it
 * touches is written for them alone.
 */
export const wal: Scenario = {
  name: 'wal',
  describe:
    "which tables and indexes Parley's commits write pages of (SQLite WAL frames per B-tree), at saturation and at 2,500 msg/s",
  async run(ctx) {
    const quick = ctx.mode === 'quick';
    const loads: WalLoad[] = quick
      ? [{ pairs: 10, window: 8 }]
      : [
          { pairs: 100, window: 8 },
          { pairs: 1000, window: 2 },
          { pairs: 1000, rate: 2500 },
        ];
    const levels: WalLevel[] = [];
    for (const load of loads) {
      ctx.progress.stage(`wal ${walLoadLabel(load)} · Parley, checkpoints off`);
      const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-wal-'));
      try {
        const run = await runAndKill(ctx, load, dataDir);
        levels.push({ ...load, run, wal: walPages(dataDir) });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    return { kind: 'wal', levels };
  },
};

/** Parley on `dataDir` under the load, then killed: no closing checkpoint folds the WAL into the database. */
async function runAndKill(ctx: ScenarioContext, load: WalLoad, dataDir: string): Promise<LoadRun> {
  const quick = ctx.mode === 'quick';
  const parley = await startParley({ dataDir, env: { SQLITE_CHECKPOINT_MS: NO_CHECKPOINT_MS } });
  try {
    const run = await runLoad(
      parley,
      {
        ...load,
        warmupS: quick ? 0.5 : 1.5,
        durationS: ctx.durationS ?? (quick ? 1 : 4),
        threads: 1,
        confirm: ctx.confirm ?? DEFAULT_CONFIRM,
      },
      (f, d) => ctx.progress.update(f, d),
    );
    process.kill(parley.pid, 'SIGKILL');
    return run;
  } finally {
    await parley.stop();
  }
}
