import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { withTarget } from '../targets.js';
import { seedHistory } from './history-seed.js';
import { compareParley, parleyRounds, type Variant } from './interleave.js';
import { compareAtRate, halfOfSaturation } from './levels.js';
import type { AgedRateLevel, AgedResult, AgedSeed, Scenario, ScenarioContext } from './types.js';

/** Messages stored per pair before the run (full scale): each user's history spans several leaf pages. */
const MESSAGES_PER_PAIR = 200;

/**
 * Parley over users with long histories against fresh users, same load, interleaved: at saturation
 * (the same loads as `saturation`), then at a fixed rate, half of what the fresh users reached at
 * the last of them (where the ack p99 target applies; under SCHED_RR with `--realtime`, as the
 * latency scenario's fixed rates). The aged variant's store already holds MESSAGES_PER_PAIR
 * messages of every pair of every round. Fresh users' newest timeline entries share leaf pages, so
 * a commit writes fewer pages per message than on a server whose users have been chatting for a
 * while: this says what that costs.
 */
export const aged: Scenario = {
  name: 'aged',
  describe:
    'Parley over users with long histories vs fresh users, same load, interleaved: at saturation, and at half of it (fixed rate)',
  async run(ctx): Promise<AgedResult> {
    const quick = ctx.mode === 'quick';
    const loads = quick
      ? [{ pairs: 10, window: 8 }]
      : [
          { pairs: 100, window: 8 },
          { pairs: 1000, window: 2 },
        ];
    const perPair = quick ? 20 : MESSAGES_PER_PAIR;
    const label = `${perPair} messages per pair stored`;
    const levels: AgedResult['levels'] = [];
    for (const load of loads) {
      // a store per level: a user of an earlier level could still have messages pending, which its
      // next connection would be sent again (the generator would count them twice)
      levels.push(
        await withAgedStore(ctx, load.pairs, perPair, async (dataDir, seeded) => {
          const before = entriesOf(dataDir, '0_r0');
          const [fresh, aged] = await compareParley(
            ctx,
            freshAndAged(label, dataDir),
            load,
            `aged ${load.pairs} pairs`,
          );
          return {
            ...load,
            seeded,
            fresh: fresh!,
            aged: aged!,
            firstUserEntries: { before, after: entriesOf(dataDir, '0_r0') },
          };
        }),
      );
    }
    const last = levels.at(-1)!;
    const rate = halfOfSaturation(last.fresh.ackedPerSec);
    const atRate = await withAgedStore(ctx, last.pairs, perPair, (dataDir, seeded) =>
      agedAtRate(ctx, { pairs: last.pairs, rate, label, dataDir, seeded }),
    );
    return { kind: 'aged', messagesPerPair: perPair, levels, rate: atRate };
  },
};

/** Fresh users against the seeded ones at a fixed rate, as `compareParley` does it at saturation. */
async function agedAtRate(
  ctx: ScenarioContext,
  l: { pairs: number; rate: number; label: string; dataDir: string; seeded: AgedSeed },
): Promise<AgedRateLevel> {
  const [fresh, aged] = await compareAtRate(
    ctx,
    freshAndAged(l.label, l.dataDir),
    { pairs: l.pairs, rate: l.rate },
    `aged ${l.pairs} pairs at ${l.rate} msg/s`,
  );
  return {
    pairs: l.pairs,
    offeredPerSec: l.rate,
    realtime: ctx.realtime === true,
    seeded: l.seeded,
    fresh: fresh!,
    aged: aged!,
  };
}

/** The two Parley variants: fresh users, and the seeded ones of the store in `dataDir`. */
function freshAndAged(label: string, dataDir: string): Omit<Variant, 'target'>[] {
  return [
    { id: 'fresh', label: 'Parley, fresh users' },
    { id: 'aged', label: `Parley, ${label}`, parley: { dataDir } },
  ];
}

/** Runs `fn` with a new store seeded for the rounds of `pairs` pairs, and removes it after. */
async function withAgedStore<T>(
  ctx: ScenarioContext,
  pairs: number,
  perPair: number,
  fn: (dataDir: string, seeded: AgedSeed) => Promise<T>,
): Promise<T> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-aged-'));
  try {
    return await fn(dataDir, await seed(ctx, dataDir, pairs, perPair));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A store in which every pair of every round of `compareParley` has `perPair` messages already. */
async function seed(
  ctx: ScenarioContext,
  dataDir: string,
  pairs: number,
  perPair: number,
): Promise<AgedSeed> {
  ctx.progress.stage(`aged ${pairs} pairs · creating the database`);
  await withTarget('parley', { dataDir }, async () => {}); // the server creates and migrates it
  // round r uses the pairs `${r}_s${i}` → `${r}_r${i}`; the senders send first
  const conversations = parleyRounds(ctx) * pairs;
  const messages = conversations * perPair;
  ctx.progress.stage(`aged ${pairs} pairs · seeding ${messages.toLocaleString('en-US')} messages`);
  const pair = (k: number): [string, string] => {
    const r = Math.floor(k / pairs);
    return [`${r}_s${k % pairs}`, `${r}_r${k % pairs}`];
  };
  return { messages, ...seedHistory(dataDir, { messages, conversations, pair }) };
}

/** How many timeline entries the user has in the (stopped) server's store: its seeded ones and the run's. */
function entriesOf(dataDir: string, userId: string): number {
  const db = new Database(path.join(dataDir, 'parley.db'), { readonly: true });
  try {
    return (
      db.prepare('SELECT COUNT(*) AS n FROM user_timeline WHERE user_id = ?').get(userId) as { n: number }
    ).n;
  } finally {
    db.close();
  }
}
