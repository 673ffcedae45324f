import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { type GcPauses, gcPauseMeter, NO_GC_PAUSES } from '../metrics/gc-pauses.js';
import { Recipient, Sender } from './clients.js';
import { type ConnectOutcome, connectAll, sleep, waitFor } from './connect.js';
import { type ConfirmMode, newContext, nowUs } from './context.js';
import { DRIVERS, type DriverName } from './drivers/index.js';
import { checkIntegrity, type Integrity, type Totals } from './run-result.js';

/** The part of a load run one thread drives: pairs [firstPair, firstPair + pairs). */
export interface ShardSpec {
  driver: DriverName;
  /** Where the senders connect. */
  url: string;
  /** Where the recipients connect: another node of a cluster, or the same server. */
  recipientUrl: string;
  firstPair: number;
  pairs: number;
  userPrefix: string;
  /** Window mode: unacknowledged messages per sender (0 in rate mode). */
  window: number;
  /** Rate mode: messages per second offered over this shard's pairs (0 in window mode). */
  rate: number;
  textBytes: number;
  confirm: ConfirmMode;
}

/** What a shard measured; plain data, so that it crosses from a worker thread. */
export interface ShardResult {
  connect: ConnectOutcome;
  counts: { sent: number; acked: number; delivered: number };
  /** HDR histograms of µs latencies, compressed (hdr-histogram-js encoding). */
  ackHist: string;
  e2eHist: string;
  lagHist: string;
  /** This thread's garbage collection pauses in the measured window. */
  gcPauses: GcPauses;
  totals: Totals;
  integrity: Integrity;
  errors: Record<string, number>;
}

export interface ShardProgress {
  acked: number;
  delivered: number;
  errors: number;
}

/** Senders, recipients and their schedule, driven by the generator through start/measure/stop. */
export class Shard {
  private readonly ctx;
  private readonly senders: Sender[];
  private readonly recipients: Recipient[];
  private connectOutcome: ConnectOutcome = { connected: 0, failed: 0, retries: 0, errors: {}, seconds: 0 };
  private stopSchedule = () => {};
  private stopGcMeter: (() => GcPauses) | undefined;
  private gcPauses = NO_GC_PAUSES;

  constructor(readonly spec: ShardSpec) {
    const perSender = spec.rate / spec.pairs;
    this.ctx = newContext({
      window: spec.window,
      idsAhead: spec.window > 0 ? spec.window + 10 : Math.ceil(perSender) + 10,
      textBytes: spec.textBytes,
      confirm: spec.confirm,
    });
    const p = spec.userPrefix;
    const ids = Array.from({ length: spec.pairs }, (_, i) => spec.firstPair + i);
    this.recipients = ids.map((i) => new Recipient(this.ctx, `${p}r${i}`, `${p}s${i}`));
    this.senders = ids.map((i) => new Sender(this.ctx, `${p}s${i}`, `${p}r${i}`));
  }

  /** Recipients first: in Parley a message to a user that never connected is UNKNOWN_USER. */
  async connect(): Promise<ConnectOutcome> {
    const driver = DRIVERS[this.spec.driver];
    const a = await connectAll(this.recipients, driver, this.spec.recipientUrl);
    const b = await connectAll(this.senders, driver, this.spec.url);
    this.connectOutcome = {
      connected: a.connected + b.connected,
      failed: a.failed + b.failed,
      retries: a.retries + b.retries,
      errors: { ...a.errors, ...b.errors },
      seconds: a.seconds + b.seconds,
      ...((a.firstError ?? b.firstError) !== undefined && { firstError: a.firstError ?? b.firstError }),
    };
    return this.connectOutcome;
  }

  /** Fetches message ids ahead (action 2); resolves false if they did not come in time. */
  async prefetch(timeoutMs: number): Promise<boolean> {
    for (const s of this.senders) s.pump();
    const want = Math.min(this.ctx.idsAhead, 10);
    return waitFor(() => this.senders.every((s) => s.idsReady >= want), timeoutMs);
  }

  /** Starts sending (warm-up: nothing is counted yet). */
  start(): void {
    this.ctx.phase = 'warmup';
    if (this.spec.rate === 0) for (const s of this.senders) s.pump();
    else this.stopSchedule = schedule(this.senders, this.spec.rate);
  }

  measure(): void {
    this.ctx.measureStartUs = nowUs();
    this.ctx.phase = 'measure';
    this.stopGcMeter = gcPauseMeter();
  }

  /** Ends the measured window and stops sending; what is in flight still completes. */
  stop(): void {
    this.ctx.measureEndUs = nowUs();
    this.ctx.phase = 'drain';
    this.stopSchedule();
    this.endGcMeter();
  }

  /** Stops watching the GC (once): at the end of the window, or when a failed round closes early. */
  private endGcMeter(): void {
    if (this.stopGcMeter) this.gcPauses = this.stopGcMeter();
    this.stopGcMeter = undefined;
  }

  progress(): ShardProgress {
    let errors = 0;
    for (const n of this.ctx.errors.values()) errors += n;
    return { acked: this.ctx.counts.acked, delivered: this.ctx.counts.delivered, errors };
  }

  /** Waits for the last acks and deliveries (and a moment for late duplicates). */
  async drain(timeoutMs: number): Promise<void> {
    const acked = () => this.senders.reduce((n, s) => n + s.ackedCount, 0);
    const delivered = () => this.recipients.reduce((n, r) => n + r.deliveredCount, 0);
    await waitFor(
      () => this.senders.every((s) => s.inflight.size === 0) && delivered() >= acked(),
      timeoutMs,
    );
    await sleep(100);
  }

  result(): ShardResult {
    const { ctx, senders, recipients } = this;
    const sum = (f: (s: Sender) => number) => senders.reduce((n, s) => n + f(s), 0);
    return {
      connect: this.connectOutcome,
      counts: { ...ctx.counts },
      ackHist: encodeIntoCompressedBase64(ctx.ackHist),
      e2eHist: encodeIntoCompressedBase64(ctx.e2eHist),
      lagHist: encodeIntoCompressedBase64(ctx.lagHist),
      gcPauses: this.gcPauses,
      totals: {
        sent: sum((s) => s.ackedCount + s.inflight.size + s.failed),
        acked: sum((s) => s.ackedCount),
        delivered: recipients.reduce((n, r) => n + r.deliveredCount, 0),
        refused: sum((s) => s.failed),
      },
      integrity: checkIntegrity(senders, recipients),
      errors: Object.fromEntries(ctx.errors),
    };
  }

  close(): void {
    this.stopSchedule();
    this.endGcMeter();
    this.ctx.phase = 'drain';
    for (const c of [...this.recipients, ...this.senders]) c.close();
  }
}

/** Open-loop schedule: message k falls due at start + k/rate, round robin over the senders. */
export function schedule(senders: readonly Sender[], rate: number): () => void {
  const start = nowUs();
  const intervalUs = 1e6 / rate;
  let k = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = nowUs();
    while (start + k * intervalUs <= now) {
      senders[k % senders.length]!.due(start + k * intervalUs);
      k++;
    }
    timer = setTimeout(tick, 1);
  };
  tick();
  return () => clearTimeout(timer);
}
