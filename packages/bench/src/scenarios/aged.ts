import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { withTarget } from '../targets.js';
import { seedHistory } from './history-seed.js';
import { compareParley, parleyRounds } from './interleave.js';
import type { AgedResult, AgedSeed, Scenario, ScenarioContext } from './types.js';

/** Messages stored per pair before the run (full scale): each user's history spans several leaf pages. */
const MESSAGES_PER_PAIR = 200;

/**
 * Saturation over users with long histories: the same load against Parley with fresh users (as
 * `saturation` runs it) and against Parley whose store already holds MESSAGES_PER_PAIR messages
 * of every pair of every round, interleaved. Fresh users' newest timeline entries share leaf pages,
 * so a commit writes fewer pages per message than on a server whose users have been chatting for a
 * while: this says what that costs.
 */
export const aged: Scenario = {
  name: 'aged',
  describe: 'Parley at saturation over users with long histories vs fresh users, same load, interleaved',
  async run(ctx): Promise<AgedResult> {
    const quick = ctx.mode === 'quick';
    const loads = quick
      ? [{ pairs: 10, window: 8 }]
      : [
          { pairs: 100, window: 8 },
          { pairs: 1000, window: 2 },
        ];
    const perPair = quick ? 20 : MESSAGES_PER_PAIR;
    const levels: AgedResult['levels'] = [];
    for (const load of loads) {
      // a store per level: a user of an earlier level could still have messages pending, which its
      // next connection would be sent again (the generator would count them twice)
      const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-aged-'));
      try {
        const seeded = await seed(ctx, dataDir, load.pairs, perPair);
        const before = entriesOf(dataDir, '0_r0');
        const [fresh, aged] = await compareParley(
          ctx,
          [
            { id: 'fresh', label: 'Parley, fresh users' },
            { id: 'aged', label: `Parley, ${perPair} messages per pair stored`, parley: { dataDir } },
          ],
          load,
          `aged ${load.pairs} pairs`,
        );
        levels.push({
          ...load,
          seeded,
          fresh: fresh!,
          aged: aged!,
          firstUserEntries: { before, after: entriesOf(dataDir, '0_r0') },
        });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    return { kind: 'aged', messagesPerPair: perPair, levels };
  },
};

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
