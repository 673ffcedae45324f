import { Recipient, Sender } from '../load/clients.js';
import { connectAll, sleep, waitFor } from '../load/connect.js';
import { newContext, nowUs } from '../load/context.js';
import { checkIntegrity } from '../load/run-result.js';
import { latencyHistogram, recordUs } from '../metrics/histogram.js';
import { ProcSampler } from '../metrics/proc.js';
import { TARGET_LABELS, type TargetName, withTarget } from '../targets.js';
import type { Scenario, ScenarioContext, StormRow } from './types.js';

/**
 * One storm against one target. Every recipient goes away, its sender leaves it `backlog` messages
 * (Parley only: the relays store nothing), the senders drop too; then all clients reconnect at the
 * same instant. Measured: time until every client has its action 1 reply, and until every stored
 * message has reached its recipient (exactly once, confirmed with status 1).
 */
async function stormOnce(
  target: TargetName,
  pairs: number,
  backlog: number,
  ctx: ScenarioContext,
): Promise<StormRow> {
  const { progress } = ctx;
  const pause = ctx.mode === 'quick' ? 200 : 1000;
  const label = `reconnect storm · ${TARGET_LABELS[target]}`;
  return withTarget(target, {}, async (t) => {
    const lctx = newContext({
      window: Math.max(backlog, 1),
      idsAhead: backlog,
      textBytes: 64,
      ...(ctx.confirm !== undefined && { confirm: ctx.confirm }),
    });
    const recipients = Array.from({ length: pairs }, (_, i) => new Recipient(lctx, `r${i}`, `s${i}`));
    const senders = Array.from({ length: pairs }, (_, i) => new Sender(lctx, `s${i}`, `r${i}`));
    const all = [...recipients, ...senders];
    try {
      progress.stage(`${label} · connecting ${all.length.toLocaleString('en-US')} clients`);
      const onProgress = (d: number, n: number) => progress.update(d / n, `${d}/${n}`);
      for (const group of [recipients, senders]) {
        const c = await connectAll(group, t.driver, t.url, { onProgress });
        if (c.failed > 0) throw new Error(`${c.failed} connections failed: ${c.firstError}`);
      }

      for (const r of recipients) r.drop();
      await sleep(pause);
      const stored = () => senders.reduce((n, s) => n + s.ackedCount, 0);
      if (backlog > 0) {
        progress.stage(`${label} · recipients gone, senders store ${backlog} messages each`);
        lctx.phase = 'warmup';
        for (const s of senders) {
          s.budget = backlog;
          s.pump();
        }
        const answered = () => stored() + senders.reduce((n, s) => n + s.failed, 0);
        if (!(await waitFor(() => answered() >= pairs * backlog, 120_000))) {
          throw new Error(`only ${stored()} of ${pairs * backlog} messages were acknowledged`);
        }
      }
      for (const s of senders) s.drop();
      await sleep(pause);

      progress.stage(`${label} · ${all.length.toLocaleString('en-US')} clients reconnect at once`);
      lctx.phase = 'measure';
      const sampler = new ProcSampler(t.pid);
      sampler.start();
      const reconnect = latencyHistogram();
      const delivered = () => recipients.reduce((n, r) => n + r.deliveredCount, 0);
      const t0 = nowUs();
      const outcome = await connectAll(all, t.driver, t.url, {
        concurrency: all.length,
        retries: 5,
        timeoutMs: 60_000,
        onProgress: (d, n) => {
          recordUs(reconnect, nowUs() - t0);
          progress.update(d / n, `back ${d}/${n}, delivered ${delivered()}/${stored()}`);
        },
      });
      const backAt = nowUs();
      await waitFor(() => delivered() >= stored(), 120_000, 5);
      const deliveredAt = nowUs();
      const usage = sampler.stop();
      await sleep(200);
      const integrity = checkIntegrity(senders, recipients);
      return {
        target,
        connections: all.length,
        backlogPerPair: backlog,
        storedMessages: stored(),
        allBackS: (backAt - t0) / 1e6,
        allDeliveredS: (deliveredAt - t0) / 1e6,
        reconnectP50Ms: reconnect.getValueAtPercentile(50) / 1000,
        reconnectP99Ms: reconnect.getValueAtPercentile(99) / 1000,
        connectFailures: outcome.failed,
        retries: outcome.retries,
        lost: integrity.lost,
        doubled: integrity.doubled,
        outOfOrder: integrity.outOfOrder,
        serverCpuPercent: usage.cpuPercent,
        serverRssPeakMiB: usage.rssPeakMiB,
        errors: { ...Object.fromEntries(lctx.errors), ...outcome.errors },
      };
    } finally {
      lctx.phase = 'drain';
      for (const c of all) c.close();
    }
  });
}

/** Reconnect storm: Parley with a stored backlog to replay, the relays reconnecting only. */
export const storm: Scenario = {
  name: 'reconnect-storm',
  describe: 'all clients drop and reconnect at once; time until all are back and the backlog is delivered',
  async run(ctx) {
    const quick = ctx.mode === 'quick';
    const pairs = quick ? 200 : 5000;
    const rows: StormRow[] = [];
    for (const target of ctx.targets) {
      const row = await stormOnce(target, pairs, target === 'parley' ? (quick ? 5 : 10) : 0, ctx);
      rows.push(row);
      ctx.progress.log(
        `  storm · ${target}: all back in ${row.allBackS.toFixed(2)} s, delivered in ${row.allDeliveredS.toFixed(2)} s`,
      );
    }
    return { kind: 'storm', pairs, rows };
  },
};
