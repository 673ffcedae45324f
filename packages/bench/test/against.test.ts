import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { serverMain } from '../src/paths.js';
import { stopAllChildren } from '../src/process/children.js';
import { silentProgress } from '../src/report/progress.js';
import { integrityOf, skippedOf } from '../src/report/results.js';
import { againstSection } from '../src/report/variant-markdown.js';
import { against } from '../src/scenarios/against.js';
import { halfOfSaturation } from '../src/scenarios/levels.js';
import { requireBuiltServer } from './require-build.js';

afterAll(() => stopAllChildren(1000));

const quick = { mode: 'quick', targets: ['parley'], progress: silentProgress(), durationS: 1 } as const;

/**
 * A stand-in for another checkout: its `packages/server/dist/main.js` notes that it was started,
 * then runs this checkout's server.
 */
function otherCheckout(): { dir: string; started: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-against-test-'));
  const dist = path.join(dir, 'packages/server/dist');
  mkdirSync(dist, { recursive: true });
  writeFileSync(path.join(dir, 'packages/server/package.json'), '{"type": "module"}');
  const started = path.join(dir, 'started');
  writeFileSync(
    path.join(dist, 'main.js'),
    `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(started)}, '');
await import(${JSON.stringify(pathToFileURL(serverMain).href)});
`,
  );
  return { dir, started };
}

describe('the against scenario', () => {
  it('is skipped without --against, and says why', async () => {
    const result = await against.run(quick);
    expect(skippedOf({ against: result })).toEqual({ against: 'needs --against <checkout>' });
    if (result.kind !== 'against') throw new Error(result.kind);
    expect(againstSection(result)).toContain('skipped: needs --against');
  });

  it('refuses a checkout without a built server', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-against-test-'));
    try {
      await expect(against.run({ ...quick, against: dir })).rejects.toThrow(/no built server at .*main\.js/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs the same load against this checkout's server and the other build's", async () => {
    requireBuiltServer();
    const { dir, started } = otherCheckout();
    try {
      const result = await against.run({ ...quick, against: dir });
      if (result.kind !== 'against') throw new Error(result.kind);
      expect(existsSync(started)).toBe(true);
      expect(integrityOf({ against: result })).toEqual({ lost: 0, doubled: 0 });
      const [level] = result.levels;
      for (const run of [level!.current, level!.other]) {
        expect(run.ackedPerSec).toBeGreaterThan(0);
        expect(run.totals.acked).toBe(run.totals.delivered);
      }
      // then both at half of the other build's rate
      const atRate = result.rate!;
      expect(atRate.offeredPerSec).toBe(halfOfSaturation(level!.other.ackedPerSec));
      for (const run of [atRate.current, atRate.other]) {
        expect(run.offeredPerSec).toBe(atRate.offeredPerSec);
        expect(run.totals.acked).toBeGreaterThan(0);
        expect(run.totals.acked).toBe(run.totals.delivered);
      }
      const report = againstSection(result);
      expect(report).toContain('| this checkout |');
      expect(report).toContain(
        `### Against another build at half of saturation (10 pairs, ${atRate.offeredPerSec.toLocaleString('en-US')} msg/s offered`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
