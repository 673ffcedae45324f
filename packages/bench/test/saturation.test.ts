import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baselineScript, serverMain } from '../src/paths.js';
import { stopAllChildren } from '../src/process/children.js';
import { machineInfo } from '../src/report/machine.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { silentProgress } from '../src/report/progress.js';
import { type BenchResults, integrityOf, writeResults } from '../src/report/results.js';
import { resultsChart } from '../src/report/svg.js';
import { runLevels } from '../src/scenarios/levels.js';

const built = existsSync(serverMain) && existsSync(baselineScript('ws-relay'));
if (!built)
  throw new Error('the server and the baselines are not built: run `npm run build` first (npm test does)');
const out = mkdtempSync(path.join(tmpdir(), 'parley-bench-test-'));

afterAll(async () => {
  await stopAllChildren(1000);
  rmSync(out, { recursive: true, force: true });
});

describe('quick saturation, Parley and the ws relay', () => {
  it('delivers every acknowledged message exactly once and writes results of the expected shape', async () => {
    const levels = await runLevels(
      'saturation',
      [{ pairs: 4, window: 8 }],
      { durationS: 2, warmupS: 0.3, rounds: 1, threads: 1 },
      { mode: 'quick', targets: ['parley', 'ws'], progress: silentProgress() },
    );
    const startedAt = new Date().toISOString();
    const scenarios = { saturation: { kind: 'saturation' as const, levels } };
    const results: BenchResults = {
      version: 1,
      mode: 'quick',
      startedAt,
      finishedAt: new Date().toISOString(),
      command: 'test',
      durationOverrideS: 2,
      generatorThreads: 1,
      machine: machineInfo(),
      source: { commit: 'test', uncommitted: [], serverBuiltAt: 'test' },
      fdLimit: { soft: 1024, hard: 1024, note: 'test' },
      parleyEntry: 'test',
      scenarios,
      failures: {},
      integrity: integrityOf(scenarios),
    };
    const files = writeResults(out, results, renderMarkdown(results), resultsChart(results));
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as BenchResults;

    expect(json.integrity).toEqual({ lost: 0, doubled: 0 });
    const level = json.scenarios.saturation;
    expect(level?.kind).toBe('saturation');
    if (level?.kind !== 'saturation') return;
    expect(level.levels).toHaveLength(1);
    const runs = level.levels[0]!.runs;
    expect(runs.map((r) => r.target)).toEqual(['parley', 'ws']);
    for (const run of runs) {
      expect(run.integrity).toEqual({
        lost: 0,
        doubled: 0,
        outOfOrder: 0,
        unacked: 0,
        unanswered: 0,
        misrouted: 0,
      });
      expect(run.errors).toEqual({});
      expect(run.totals.acked).toBeGreaterThan(0);
      expect(run.totals.delivered).toBe(run.totals.acked);
      expect(run.totals.sent).toBe(run.totals.acked);
      for (const summary of [run.ack, run.e2e]) {
        expect(Object.keys(summary).sort()).toEqual(['count', 'max', 'mean', 'p50', 'p90', 'p99', 'p999']);
        expect(summary.count).toBeGreaterThan(0);
      }
      expect(run.ackCurve.length).toBeGreaterThan(0);
      expect(run.server.rssPeakMiB).toBeGreaterThan(0);
      expect(typeof run.ackedPerSec).toBe('number');
      expect(run.serverCpuUsPerMsg).toBeGreaterThan(0);
      // the generator's GC pauses of the measured window: two seconds of load collect at least once
      expect(run.generatorGc.count).toBeGreaterThan(0);
      expect(run.generatorGc.maxMs).toBeGreaterThan(0);
      expect(run.generatorGc.totalMs).toBeGreaterThanOrEqual(run.generatorGc.maxMs);
      expect(typeof run.generatorBound).toBe('boolean');
      expect(run.ackOver10msPercent).toBeGreaterThanOrEqual(0);
      if (run.target === 'parley') {
        // its own timing, read from /metrics around the window: every write operation is counted
        const inside = run.serverLatency!;
        expect(inside.operations).toBeGreaterThan(0);
        expect(inside.commitP99Ms).toBeGreaterThan(0);
        expect(inside.ackP99Ms).toBeGreaterThan(0);
        expect(inside.ackOver10msPercent).toBeGreaterThanOrEqual(0);
      } else expect(run.serverLatency).toBeUndefined();
      expect(run.generatorThreads).toBe(1);
      if (existsSync('/proc/self/task/')) {
        expect(run.server.runQueueWaitPercent).toBeGreaterThanOrEqual(0);
        expect(run.generatorWaitPercent).toBeGreaterThanOrEqual(0);
        // the CPU by thread: every part is there, and the event loop worked
        const split = run.serverCpuSplitUsPerMsg!;
        expect(Object.keys(split).sort()).toEqual([
          'eventLoopSystem',
          'eventLoopUser',
          'otherSystem',
          'otherUser',
          'rest',
        ]);
        for (const v of Object.values(split)) expect(v).toBeGreaterThanOrEqual(0);
        expect(split.eventLoopUser + split.eventLoopSystem).toBeGreaterThan(0);
      }
    }
    expect(json.machine.nproc).toBeGreaterThan(0);
    expect(readFileSync(files.markdown, 'utf8')).toContain('### Saturation throughput');
    if (existsSync('/proc/self/task/'))
      expect(readFileSync(files.markdown, 'utf8')).toContain('| busiest other thread: user + kernel');
    expect(readFileSync(files.svg!, 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});
