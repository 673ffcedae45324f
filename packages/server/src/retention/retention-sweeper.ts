import type { CoreContext } from '../core/context.js';
import type { FileCatalog } from '../files/file-catalog.js';

export interface RetentionSettings {
  /** Messages older than this are deleted (0: kept). */
  messagesMs: number;
  /** Pending deliveries older than this are dropped (0: kept until confirmed). */
  pendingMs: number;
  /** Uploads older than this are deleted (0: kept). */
  filesMs: number;
  /** Time between sweeps (default 60 s). */
  intervalMs?: number;
  /** Rows per transaction (default 500). */
  batch?: number;
  /** Transactions per kind and sweep at most (default 20): the rest waits for the next sweep. */
  maxBatches?: number;
}

export interface SweepReport {
  messages: number;
  pending: number;
  files: number;
}

/**
 * Data retention in the background: every interval, messages, pending deliveries and uploads
 * older than their settings are removed, oldest first, in bounded transactions through the core's
 * write path (chat commits interleave with them; on PostgreSQL a sweep never waits for a user's
 * rows that chat holds). Each node of a cluster sweeps; they skip what another is deleting.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepReport> | undefined;

  constructor(
    private readonly ctx: Pick<CoreContext, 'write' | 'clock' | 'log'>,
    private readonly settings: RetentionSettings,
    private readonly files?: { catalog: FileCatalog; ready: Promise<unknown> },
  ) {}

  /** Whether any retention is set (otherwise no timer runs). */
  get enabled(): boolean {
    const { messagesMs, pendingMs, filesMs } = this.settings;
    return messagesMs > 0 || pendingMs > 0 || (filesMs > 0 && this.files !== undefined);
  }

  start(): void {
    if (!this.enabled || this.timer) return;
    this.timer = setInterval(() => void this.sweep(), this.settings.intervalMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** One sweep (a sweep already running is waited for instead); what it removed. */
  sweep(): Promise<SweepReport> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepOnce(): Promise<SweepReport> {
    const report: SweepReport = { messages: 0, pending: 0, files: 0 };
    const { messagesMs, pendingMs, filesMs } = this.settings;
    const limit = this.settings.batch ?? 500;
    const now = this.ctx.clock.now();
    try {
      if (messagesMs > 0)
        report.messages = await this.batches(async () => {
          const r = await this.ctx.write({ kind: 'expireMessages', beforeMs: now - messagesMs, limit });
          return r.deleted;
        });
      if (pendingMs > 0)
        report.pending = await this.batches(async () => {
          const r = await this.ctx.write({ kind: 'expirePending', beforeMs: now - pendingMs, limit });
          return r.expired;
        });
      if (filesMs > 0 && this.files) {
        await this.files.ready;
        const { catalog } = this.files;
        report.files = await this.batches(() => catalog.removeOlderThan(now - filesMs, limit));
      }
    } catch (err) {
      this.ctx.log.error({ err }, 'retention sweep failed; the next one tries again');
    }
    if (report.messages + report.pending + report.files > 0) this.ctx.log.info(report, 'retention sweep');
    return report;
  }

  /** Runs `step` while it removes a full batch, at most `maxBatches` times, yielding in between. */
  private async batches(step: () => Promise<number>): Promise<number> {
    const limit = this.settings.batch ?? 500;
    let total = 0;
    for (let i = 0; i < (this.settings.maxBatches ?? 20); i++) {
      const n = await step();
      total += n;
      if (n < limit) break;
      await new Promise((r) => setImmediate(r));
    }
    return total;
  }
}
