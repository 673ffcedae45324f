import { connectionCeiling } from '@parley/server';
import { IdleClient } from '../load/clients.js';
import { connectAll, sleep } from '../load/connect.js';
import { newContext } from '../load/context.js';
import { rssBytes } from '../metrics/proc.js';
import { readFdLimit } from '../process/limits.js';
import { TARGET_LABELS, type TargetName, withTarget } from '../targets.js';
import type { IdleRow, Scenario, ScenarioContext } from './types.js';

const MiB = 1024 * 1024;

/** Median of a few RSS samples, so that one GC does not decide the figure. */
async function settledRss(pid: number, samples = 5, everyMs = 200): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    values.push(rssBytes(pid).rss);
    if (i < samples - 1) await sleep(everyMs);
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}

/** One server: connect idle users up to each size in turn, and read the RSS growth at each. */
async function measure(
  target: TargetName,
  sizes: readonly number[],
  settleS: number,
  ctx: ScenarioContext,
): Promise<IdleRow[]> {
  return withTarget(target, {}, async (t) => {
    const label = `idle memory · ${TARGET_LABELS[target]}`;
    ctx.progress.stage(label);
    await sleep(settleS * 500);
    const before = await settledRss(t.pid);
    const lctx = newContext({ window: 0, idsAhead: 0, textBytes: 0 });
    const clients: IdleClient[] = [];
    const rows: IdleRow[] = [];
    try {
      let connected = 0;
      let failed = 0;
      let seconds = 0;
      for (const n of sizes) {
        const batch = Array.from(
          { length: n - clients.length },
          (_, i) => new IdleClient(lctx, `idle${clients.length + i}`),
        );
        clients.push(...batch);
        ctx.progress.stage(`${label} · ${n.toLocaleString('en-US')} connections`);
        const c = await connectAll(batch, t.driver, t.url, {
          concurrency: 500,
          onProgress: (d, total) => ctx.progress.update((0.8 * d) / total, `connected ${d}/${total}`),
        });
        connected += c.connected;
        failed += c.failed;
        seconds += c.seconds;
        if (c.failed > 0) ctx.progress.log(`  ${c.failed} connections failed: ${c.firstError}`);
        ctx.progress.update(0.8, `settling ${settleS} s`);
        await sleep(settleS * 1000);
        const after = await settledRss(t.pid);
        ctx.progress.update(1, '');
        rows.push({
          target,
          connections: n,
          connected,
          failed,
          connectS: seconds,
          rssBeforeMiB: before / MiB,
          rssAfterMiB: after / MiB,
          bytesPerConnection: connected > 0 ? (after - before) / connected : 0,
        });
      }
      return rows;
    } finally {
      for (const cl of clients) cl.drop();
    }
  });
}

/** Idle memory: server RSS growth per connected, idle user. */
export const idle: Scenario = {
  name: 'idle-memory',
  describe: 'server RSS per idle connected user at 10,000 and 25,000 connections',
  async run(ctx) {
    const quick = ctx.mode === 'quick';
    // Each connection takes a descriptor in the server and one in this process, and neither can
    // go past the open-file limit (raiseFdLimit lifts it when it may; see the JSON's fdLimit).
    // Parley keeps a tenth of its descriptors for files and the database and refuses upgrades past
    // the rest with 503: every server gets the number of connections Parley takes.
    const limit = readFdLimit().soft;
    const fdRoom = Math.min(limit - 100, connectionCeiling(limit));
    const sizes = (quick ? [300, 1000] : [10_000, 25_000]).map((n) => Math.min(n, fdRoom));
    const rows: IdleRow[] = [];
    for (const target of ctx.targets) {
      for (const row of await measure(target, sizes, quick ? 0.6 : 3, ctx)) {
        rows.push(row);
        ctx.progress.log(
          `  idle ${row.connections} · ${target}: ${(row.bytesPerConnection / 1024).toFixed(1)} KiB per connection`,
        );
      }
    }
    rows.sort((a, b) => a.connections - b.connections);
    return { kind: 'idle', rows };
  },
};
