import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { DispatchLease, Outbox, OutboxRow } from '../store/outbox.js';
import { type PostOutcome, postSigned } from './post.js';

export interface DispatcherOptions {
  url: string;
  secret: string;
  /** A POST without an answer after this long failed (`WEBHOOK_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Events older than this are purged, delivered or not (`WEBHOOK_RETENTION_MS`). */
  retentionMs: number;
  /** Waits before the 1st, 2nd … retry of a conversation's failed event; the last one repeats. */
  backoffMs: readonly number[];
  /** How often the outbox is read when nothing woke the dispatcher (events of other nodes). */
  pollMs: number;
  /** How often a node that does not dispatch tries to take over, and the dispatcher checks its lease. */
  leaseCheckMs: number;
  /** Conversations delivered at once. */
  lanes: number;
  /** Events read per query. */
  pageSize: number;
  /** How often expired events are purged. */
  purgeIntervalMs: number;
}

export const defaultDispatcherTiming = {
  backoffMs: [2_000, 10_000, 30_000, 120_000, 300_000],
  pollMs: 1_000,
  leaseCheckMs: 2_000,
  lanes: 4,
  pageSize: 100,
  purgeIntervalMs: 60_000,
} satisfies Partial<DispatcherOptions>;

/** At most this many conversations wait for a retry; beyond, no new ones are read until some pass. */
const MAX_BLOCKED = 1000;
/** Rows deleted per purge statement. */
const PURGE_BATCH = 10_000;

/** A conversation whose oldest undelivered event failed: it waits, the others go on. */
interface Blocked {
  row: OutboxRow;
  attempts: number;
  dueMs: number;
  /** No answer at all (refused, reset, timed out): the receiver may be down, not refusing this event. */
  unreachable: boolean;
}

export interface DispatcherEvents {
  /** This node started or stopped dispatching. */
  leading?(on: boolean): void;
  /** An attempt failed. */
  failed?(): void;
}

/**
 * Delivers the outbox: reads undelivered events in id order, POSTs each (signed, with a timeout),
 * marks it delivered. Events of one conversation go one after the other, in order; a failed one
 * holds back the later events of its conversation only, and is retried with backoff. Runs on the
 * node that holds the dispatch lease; the others try to take it over every `leaseCheckMs`.
 * Nothing here is awaited by chat traffic.
 */
export class WebhookDispatcher {
  private readonly blocked = new Map<string, Blocked>();
  /** Conversations being delivered now, and those queued for a lane. */
  private readonly busy = new Set<string>();
  private queue: OutboxRow[][] = [];
  private lease: DispatchLease;
  private leading = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private filling: Promise<void> | undefined;
  /** Lanes waiting for events (woken by `wake`), and every wait (ended by `stop`). */
  private readonly idlers = new Set<() => void>();
  private readonly sleepers = new Set<() => void>();
  private woken = false;
  /** When the last purge ran (monotonic ms); undefined: not since this node leads. */
  private lastPurgeAt: number | undefined;
  /** An attempt got no answer at all since the last success: the receiver may have been down. */
  private unanswered = false;
  /** Aborts the POSTs in flight at `stop`. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly outbox: Outbox,
    private readonly opts: DispatcherOptions,
    private readonly log: Logger,
    /** The time of events (their age, when delivered); waits and retries go by the monotonic clock. */
    private readonly clock: Clock,
    private events: DispatcherEvents = {},
  ) {
    this.lease = outbox.outboxLease();
  }

  /** Who hears of leadership changes and failed attempts (the metrics). */
  setEvents(events: DispatcherEvents): void {
    this.events = events;
    events.leading?.(this.leading);
  }

  start(): void {
    this.running ??= this.run();
  }

  /** New events committed on this node: read the outbox now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    for (const wake of [...this.idlers]) wake();
  }

  /** Whether this node dispatches now. */
  get isLeading(): boolean {
    return this.leading;
  }

  /** Stops dispatching (a POST in flight finishes or times out), releases the lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    for (const wake of [...this.sleepers]) wake();
    await this.running;
    await this.lease.release();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!(await this.holdLease())) {
        // not woken by local events: they are the dispatcher's to send
        await this.wait(this.opts.leaseCheckMs, false);
        continue;
      }
      const checkUntil = performance.now() + this.opts.leaseCheckMs;
      await Promise.all(Array.from({ length: this.opts.lanes }, () => this.lane(checkUntil)));
    }
    this.setLeading(false);
  }

  /** Takes the lease, or checks it is still ours. */
  private async holdLease(): Promise<boolean> {
    try {
      const holds = this.leading ? await this.lease.held() : await this.lease.acquire();
      if (!holds && this.leading)
        this.log.warn('webhook dispatcher: lost its lease; another node may take over');
      this.setLeading(holds);
    } catch (err) {
      this.log.warn({ err }, 'webhook dispatcher: cannot take the dispatch lease now');
      this.setLeading(false);
    }
    return this.leading;
  }

  private setLeading(on: boolean): void {
    if (on === this.leading) return;
    this.leading = on;
    if (on) {
      this.log.info('webhook dispatcher: this node delivers the webhook events');
      this.lastPurgeAt = undefined;
    } else {
      // another node may deliver them meanwhile: forget what we knew
      this.blocked.clear();
      this.queue = [];
      this.busy.clear();
    }
    this.events.leading?.(on);
  }

  /** One lane: delivers conversations one at a time until the lease is due for a check. */
  private async lane(checkUntil: number): Promise<void> {
    while (!this.stopped && performance.now() < checkUntil) {
      await this.purgeIfDue();
      let seq = this.queue.shift();
      if (!seq) {
        this.filling ??= this.fill().finally(() => {
          this.filling = undefined;
        });
        await this.filling;
        seq = this.queue.shift();
      }
      if (seq) await this.deliver(seq);
      else
        await this.wait(Math.min(this.opts.pollMs, this.nextDueIn(), checkUntil - performance.now()), true);
    }
  }

  /** Reads the next undelivered events, grouped by conversation, and queues the retries now due. */
  private async fill(): Promise<void> {
    const now = performance.now();
    for (const [conv, b] of this.blocked) {
      if (b.dueMs > now || this.busy.has(conv)) continue;
      this.busy.add(conv);
      this.queue.push([b.row]);
    }
    if (this.blocked.size >= MAX_BLOCKED) return;
    let rows: OutboxRow[];
    try {
      rows = await this.outbox.outboxPending(this.opts.pageSize, [...this.blocked.keys(), ...this.busy]);
    } catch (err) {
      this.log.error({ err }, 'webhook dispatcher: reading the outbox failed');
      return;
    }
    const byConv = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      if (this.blocked.has(row.conv) || this.busy.has(row.conv)) continue;
      const list = byConv.get(row.conv);
      if (list) list.push(row);
      else byConv.set(row.conv, [row]);
    }
    for (const [conv, list] of byConv) {
      this.busy.add(conv);
      this.queue.push(list);
    }
  }

  /**
   * Delivers one conversation's events in order; stops at the first failure. Their bodies are read
   * again first: rows held since an earlier read (a retry, a queued conversation) may have been
   * blanked by an account deletion meanwhile, or purged. (The erasure's own `message.recalled`
   * events are in the same conversations, so they always come after.)
   */
  private async deliver(held: readonly OutboxRow[]): Promise<void> {
    const conv = held[0]!.conv;
    try {
      let bodies: Map<number, string>;
      try {
        bodies = await this.outbox.outboxBodies(held.map((r) => r.id));
      } catch (err) {
        this.log.error({ err }, 'webhook dispatcher: reading the outbox failed');
        this.block(held[0]!, (this.blocked.get(conv)?.attempts ?? 0) + 1, false);
        return;
      }
      // a purged event is gone: the conversation goes on with the next
      const rows = held.flatMap((r) => {
        const body = bodies.get(r.id);
        return body === undefined ? [] : [{ ...r, body }];
      });
      if (rows.length < held.length) this.blocked.delete(conv);
      for (const row of rows) {
        if (this.stopped || !this.leading) return;
        if (row.timeMs < this.clock.now() - this.opts.retentionMs) {
          // expired: the purge drops (and counts) it; later events of the conversation go on
          this.blocked.delete(conv);
          continue;
        }
        const outcome = await postSigned(
          this.opts,
          row.body,
          row.type,
          this.opts.timeoutMs,
          this.stopping.signal,
        );
        if (this.stopped) return;
        if (!outcome.ok) {
          this.failed(row, outcome);
          return;
        }
        this.blocked.delete(conv);
        try {
          await this.outbox.outboxDelivered([row.id], this.clock.now());
        } catch (err) {
          // delivered but not marked: it goes again later (receivers drop repeated ids)
          this.log.error({ err, event: row.id }, 'webhook dispatcher: marking an event delivered failed');
          this.block(row, 1, false);
          return;
        }
        if (this.unanswered) this.retryUnreachableNow();
      }
    } finally {
      this.busy.delete(conv);
    }
  }

  private failed(row: OutboxRow, outcome: Extract<PostOutcome, { ok: false }>): void {
    this.events.failed?.();
    const attempts = (this.blocked.get(row.conv)?.attempts ?? 0) + 1;
    const unreachable = outcome.status === undefined;
    if (unreachable) this.unanswered = true;
    const wait = this.block(row, attempts, unreachable);
    const why = outcome.status === undefined ? outcome.error : `HTTP ${outcome.status}`;
    this.log.warn(
      { event: row.id, type: row.type, attempts, retryInMs: wait, why },
      'webhook delivery failed; retrying with backoff',
    );
  }

  private block(row: OutboxRow, attempts: number, unreachable: boolean): number {
    const { backoffMs } = this.opts;
    const base = backoffMs[Math.min(attempts, backoffMs.length) - 1] ?? 1000;
    // spread the retries of many conversations a little
    const wait = Math.round(base * (1 + Math.random() * 0.1));
    this.blocked.set(row.conv, { row, attempts, dueMs: performance.now() + wait, unreachable });
    return wait;
  }

  /** The receiver answered again: conversations held back because it did not answer go now. */
  private retryUnreachableNow(): void {
    this.unanswered = false;
    const now = performance.now();
    for (const b of this.blocked.values()) if (b.unreachable && b.dueMs > now) b.dueMs = now;
    this.wake();
  }

  /** When the next retry of a conversation not being delivered now is due. */
  private nextDueIn(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const [conv, b] of this.blocked) if (!this.busy.has(conv)) next = Math.min(next, b.dueMs);
    return Math.max(0, next - performance.now());
  }

  /** Waits for `ms` or the stop, and, when `wakeable`, a wake-up (new events). */
  private wait(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (wakeable && this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idlers.delete(done);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      this.sleepers.add(done);
      if (wakeable) this.idlers.add(done);
    });
  }

  private async purgeIfDue(): Promise<void> {
    const at = performance.now();
    if (this.lastPurgeAt !== undefined && at - this.lastPurgeAt < this.opts.purgeIntervalMs) return;
    this.lastPurgeAt = at;
    const before = this.clock.now() - this.opts.retentionMs;
    try {
      let dropped = 0;
      for (;;) {
        const r = await this.outbox.outboxPurge(before, PURGE_BATCH);
        dropped += r.undelivered;
        if (r.delivered < PURGE_BATCH && r.undelivered < PURGE_BATCH) break;
      }
      for (const [conv, b] of this.blocked) if (b.row.timeMs < before) this.blocked.delete(conv);
      if (dropped > 0) {
        this.log.warn(
          { dropped, retentionMs: this.opts.retentionMs },
          'webhook events older than WEBHOOK_RETENTION_MS were dropped undelivered',
        );
      }
    } catch (err) {
      this.log.error({ err }, 'webhook dispatcher: purging old events failed');
    }
  }
}
