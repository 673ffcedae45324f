import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchDir, repoDir } from '../src/paths.js';
import { runNodeScript } from '../src/process/children.js';
import { silentProgress } from '../src/report/progress.js';
import { storeSection } from '../src/report/store-markdown.js';
import { store, storeModuleOf } from '../src/scenarios/store.js';
import { THIS_BUILD } from '../src/scenarios/types.js';
import { requireBuiltServer } from './require-build.js';

describe('the store scenario', () => {
  it('runs the store lab for each build and holding of ids, and the ids it holds longer are older', async () => {
    requireBuiltServer();
    // this checkout against itself: two builds, the same code
    const result = await store.run({
      mode: 'quick',
      targets: ['parley'],
      progress: silentProgress(),
      against: repoDir,
    });
    if (result.kind !== 'store') throw new Error(result.kind);
    expect(result.runs.map((r) => [r.build, r.held])).toEqual([
      [THIS_BUILD, 2],
      [repoDir, 2],
      [THIS_BUILD, 10],
      [repoDir, 10],
    ]);
    for (const r of result.runs) {
      expect(r.measured).toBe(3_000);
      expect(r.msgPerSec).toBeGreaterThan(0);
      expect(r.storeUsPerMsg).toBeGreaterThan(0);
      expect(r.cpuUsPerMsg).toBeGreaterThanOrEqual(r.storeUsPerMsg);
    }
    // the same seed: both builds used the same ids; five times the ids held, several times older
    const [a, b, c] = result.runs;
    expect(b!.idAgeMedian).toBe(a!.idAgeMedian);
    expect(c!.idAgeMedian).toBeGreaterThan(3 * a!.idAgeMedian);
    const md = storeSection(result);
    expect(md).toContain('| 100 | this checkout |');
    expect(md).toMatch(/\| 20 \| this checkout \| [\d,]+ \| [\d.]+ µs \([\d.]+\) \| \d+\.\d\d \|/);
  }, 120_000);

  it('refuses a bad argument of the lab with its name', async () => {
    const lab = path.join(benchDir, 'dist/tools/store-lab.js');
    const module = storeModuleOf(repoDir);
    await expect(runNodeScript(lab, ['--store', module, '--held', '0'])).rejects.toThrow(
      /--held must be a whole number of at least 1/,
    );
    await expect(runNodeScript(lab, [])).rejects.toThrow(
      /--store <path of a built sqlite-store.js> is required/,
    );
  });

  it('names the missing build when a checkout has none', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'parley-store-none-'));
    try {
      expect(() => storeModuleOf(empty)).toThrow(/no built SQLite store at .*sqlite-store\.js \(run npm ci/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
