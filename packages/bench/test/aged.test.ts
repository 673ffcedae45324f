import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { stopAllChildren } from '../src/process/children.js';
import { silentProgress } from '../src/report/progress.js';
import { integrityOf } from '../src/report/results.js';
import { agedSection } from '../src/report/variant-markdown.js';
import { aged } from '../src/scenarios/aged.js';
import { seedHistory } from '../src/scenarios/history-seed.js';
import { halfOfSaturation } from '../src/scenarios/levels.js';
import { withTarget } from '../src/targets.js';
import { requireBuiltServer } from './require-build.js';

afterAll(() => stopAllChildren(1000));

describe('seeding a store with history', () => {
  it("writes each pair's messages under the given names, linked as the server links them", async () => {
    requireBuiltServer();
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-seed-test-'));
    try {
      await withTarget('parley', { dataDir: dir }, async () => {}); // the server creates the schema
      const seed = seedHistory(dir, {
        messages: 15,
        conversations: 3,
        pair: (k) => [`x${k}`, `y${k}`],
      });
      expect(seed.entries).toBe(30);
      const db = new Database(path.join(dir, 'parley.db'), { readonly: true });
      try {
        const rows = (sql: string, ...params: unknown[]) =>
          db
            .prepare(sql)
            .raw()
            .all(...params);
        expect(rows('SELECT id FROM users ORDER BY id').flat()).toEqual(['x0', 'x1', 'x2', 'y0', 'y1', 'y2']);
        // x1 and y1 take turns, x1 first; each entry links to the one before it
        expect(
          rows(
            `SELECT t.seq, t.prev_seq, t.peer_id, t.incoming, m.from_id FROM user_timeline t
             JOIN messages m ON m.msg_id = t.msg_id WHERE t.user_id = 'x1' ORDER BY t.seq`,
          ),
        ).toEqual([
          [1, 0, 'y1', 0, 'x1'],
          [2, 1, 'y1', 1, 'y1'],
          [3, 2, 'y1', 0, 'x1'],
          [4, 3, 'y1', 1, 'y1'],
          [5, 4, 'y1', 0, 'x1'],
        ]);
        expect(
          rows('SELECT user_id, conv_id, last_seq, read_seq, unread FROM conversations ORDER BY 1'),
        ).toEqual(
          ['x0', 'x1', 'x2', 'y0', 'y1', 'y2'].map((u) => [u, `${u[0] === 'x' ? 'y' : 'x'}${u[1]}`, 5, 5, 0]),
        );
        expect(rows('SELECT COUNT(*) FROM pending').flat()).toEqual([0]);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the aged scenario', () => {
  it('runs the same loads over fresh users and over users with stored messages, at saturation and at half of it', async () => {
    requireBuiltServer();
    const result = await aged.run({
      mode: 'quick',
      targets: ['parley'],
      progress: silentProgress(),
      durationS: 1,
    });
    expect(result.kind).toBe('aged');
    if (result.kind !== 'aged') return;
    expect(integrityOf({ aged: result })).toEqual({ lost: 0, doubled: 0 });
    const [level] = result.levels;
    // one round at quick scale: 10 pairs with 20 messages each, an entry per participant
    expect(level!.seeded).toMatchObject({ messages: 200, entries: 400 });
    // the load's users are the seeded ones: the first recipient had its 20 entries, then the run's too
    expect(level!.firstUserEntries.before).toBe(20);
    expect(level!.firstUserEntries.after).toBeGreaterThan(20);
    for (const run of [level!.fresh, level!.aged]) {
      expect(run.ackedPerSec).toBeGreaterThan(0);
      expect(run.totals.acked).toBe(run.totals.delivered);
    }
    expect(agedSection(result)).toContain('| 20 messages per pair stored |');
    // then half of the fresh users' rate, at a fixed rate, over a store seeded again
    const atRate = result.rate!;
    expect(atRate.pairs).toBe(10);
    expect(atRate.offeredPerSec).toBe(halfOfSaturation(level!.fresh.ackedPerSec));
    expect(atRate.realtime).toBe(false);
    expect(atRate.seeded).toMatchObject({ messages: 200, entries: 400 });
    for (const run of [atRate.fresh, atRate.aged]) {
      expect(run.offeredPerSec).toBe(atRate.offeredPerSec);
      expect(run.totals.acked).toBeGreaterThan(0);
      expect(run.totals.acked).toBe(run.totals.delivered);
    }
    expect(agedSection(result)).toContain(
      `### Long histories at half of saturation (10 pairs, ${atRate.offeredPerSec.toLocaleString('en-US')} msg/s offered`,
    );
  });
});
