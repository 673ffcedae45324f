import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { FanoutRun } from '../src/load/fanout-result.js';
import { baselineScript, serverMain } from '../src/paths.js';
import { stopAllChildren } from '../src/process/children.js';
import { fanoutSection } from '../src/report/fanout-markdown.js';
import { silentProgress } from '../src/report/progress.js';
import { integrityOf } from '../src/report/results.js';
import { group } from '../src/scenarios/group.js';
import { room } from '../src/scenarios/room.js';
import type { FanoutResult, ScenarioContext } from '../src/scenarios/types.js';

const built = existsSync(serverMain) && existsSync(baselineScript('ws-relay'));
if (!built)
  throw new Error('the server and the baselines are not built: run `npm run build` first (npm test does)');

afterAll(async () => {
  await stopAllChildren(1000);
});

const ctx: ScenarioContext = {
  mode: 'quick',
  durationS: 1,
  targets: ['parley', 'ws'],
  progress: silentProgress(),
};

// No timing here: every acknowledged message must reach every other member connection exactly once.
function expectExact(result: FanoutResult): void {
  expect(result.levels.length).toBeGreaterThan(0);
  for (const run of result.levels.flatMap((l) => l.runs) as FanoutRun[]) {
    expect(run.integrity).toEqual({
      lost: 0,
      doubled: 0,
      outOfOrder: 0,
      echoed: 0,
      incomplete: 0,
      unacked: 0,
      unanswered: 0,
      misrouted: 0,
    });
    expect(run.errors).toEqual({});
    expect(run.totals.acked).toBeGreaterThan(0);
    expect(run.totals.sent).toBe(run.totals.acked);
    expect(run.totals.complete).toBe(run.totals.acked);
    expect(run.totals.delivered).toBe(run.totals.acked * (result.connections - 1));
    expect(run.allMembers.count).toBeGreaterThan(0);
    expect(run.serverCpuUsPerDelivery).toBeGreaterThan(0);
    expect(typeof run.generatorBound).toBe('boolean');
  }
  expect(result.levels[0]!.runs.map((r) => r.target)).toEqual(['parley', 'ws']);
  expect(integrityOf({ [result.kind]: result })).toEqual({ lost: 0, doubled: 0 });
}

describe('fan-out at quick scale, Parley and the ws relay', () => {
  it('group: every member but the sender gets each acknowledged message once', {
    timeout: 60_000,
  }, async () => {
    const result = (await group.run(ctx)) as FanoutResult;
    expect(result.kind).toBe('group');
    expectExact(result);
    expect(fanoutSection(result)).toContain('### Group fan-out (50 members');
  });

  it('room: every listener but the sender gets each message once (or skipped without rooms)', {
    timeout: 60_000,
  }, async () => {
    const result = (await room.run(ctx)) as FanoutResult;
    expect(result.kind).toBe('room');
    if (result.skipped !== undefined) {
      expect(result.skipped).toContain('action 18');
      return;
    }
    expectExact(result);
    expect(fanoutSection(result)).toContain('### Chat room fan-out (200 connections');
  });
});
