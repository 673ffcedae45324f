import { ErrorCode, type ErrorCodeValue } from '@parley/protocol';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FastHistogram } from './fast-histogram.js';
import { frameActionNumber } from './frame-action.js';
import type { Metrics } from './metrics.js';
import { processRegistry } from './process-registry.js';

/** Client frames are actions 1 to 22; server frames 0 (errors) to 21 (none sends 22). */
const LAST_ACTION = 22;
const INVALID = 'invalid';
const OTHER = 'other';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/**
 * The server's metrics in a registry of its own (several servers can run in one process). Counts
 * by label (action, error code) go into plain arrays on the hot path and are copied into the
 * prom-client counters only when scraped: a prom-client label child hashes its labels on every
 * increment. The latencies observed per message are FastHistograms, exported as prom-client's
 * would be. Process metrics (event-loop lag, memory, CPU) come from `processRegistry`.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  /** Index 0: frames refused unread or that did not parse; 1 to 21: by action. */
  private readonly framesIn = new Float64Array(LAST_ACTION + 1);
  /** Index 0 to 21: by action; 22: frames that do not start with their action. */
  private readonly framesOut = new Float64Array(LAST_ACTION + 2);
  private readonly errors = new Map<string, number>(Object.values(ErrorCode).map((c) => [c, 0]));
  /** Messages stored, copied into its counter when scraped (like the counts by label). */
  private stored = 0;
  private readonly batches: Histogram;
  /** Observed per message: prom-client's Histogram costs more per observation (see FastHistogram). */
  private readonly ackLatency: FastHistogram;
  private readonly historyLatency: FastHistogram;
  /** Observed per write operation, like the acks (a group commit's time once for each of its operations). */
  private readonly commitWait: FastHistogram;
  private readonly commitLatency: FastHistogram;
  private connections: () => number = () => 0;

  constructor() {
    processRegistry(); // starts the event-loop delay monitor now, not at the first scrape
    const registers = [this.registry];
    const framesIn = this.framesIn;
    const framesOut = this.framesOut;
    const errors = this.errors;
    const connections = () => this.connections();
    const stored = () => this.stored;
    new Counter({
      name: 'parley_messages_stored_total',
      help: 'Messages stored (acknowledged with status 1); retries of a stored message and refused messages are not counted',
      registers,
      collect() {
        this.reset();
        this.inc(stored());
      },
    });
    new Gauge({
      name: 'parley_connections',
      help: 'Open WebSocket connections',
      registers,
      collect() {
        this.set(connections());
      },
    });
    new Counter({
      name: 'parley_frames_in_total',
      help: 'WebSocket frames received, by action (invalid: refused unread or did not parse)',
      labelNames: ['action'],
      registers,
      collect() {
        this.reset();
        this.inc({ action: INVALID }, framesIn[0]!);
        for (let a = 1; a <= LAST_ACTION; a++) this.inc({ action: String(a) }, framesIn[a]!);
      },
    });
    new Counter({
      name: 'parley_frames_out_total',
      help: 'WebSocket frames sent, by action (0: error frames)',
      labelNames: ['action'],
      registers,
      collect() {
        this.reset();
        for (let a = 0; a <= LAST_ACTION; a++) this.inc({ action: String(a) }, framesOut[a]!);
        if (framesOut[LAST_ACTION + 1]! > 0) this.inc({ action: OTHER }, framesOut[LAST_ACTION + 1]!);
      },
    });
    new Counter({
      name: 'parley_errors_total',
      help: 'Error frames (action 0) sent, by code',
      labelNames: ['code'],
      registers,
      collect() {
        this.reset();
        for (const [code, n] of errors) this.inc({ code }, n);
      },
    });
    this.batches = new Histogram({
      name: 'parley_commit_batch_size',
      help: 'Write operations per group commit transaction',
      buckets: BATCH_BUCKETS,
      registers,
    });
    const latency = (name: string, help: string) =>
      new FastHistogram(name, help, LATENCY_BUCKETS, this.registry);
    this.ackLatency = latency(
      'parley_ack_latency_seconds',
      'Time from receiving a message (action 3) to writing its acknowledgement',
    );
    this.historyLatency = latency(
      'parley_history_latency_seconds',
      'Time from receiving a history request (action 12) to writing its page',
    );
    this.commitWait = latency(
      'parley_commit_wait_seconds',
      'Per write operation: how long it waited in the queue for its group commit',
    );
    this.commitLatency = latency(
      'parley_commit_seconds',
      'Per write operation: from handing its group commit to the store until the store answered',
    );
  }

  /** Where `parley_connections` reads the number of open connections at each scrape. */
  countConnections(source: () => number): void {
    this.connections = source;
  }

  frameIn(action: string | undefined): void {
    const n = action === undefined ? 0 : Number(action);
    this.framesIn[n >= 1 && n <= LAST_ACTION ? n : 0]!++;
  }

  frameOut(frame: string): void {
    const n = frameActionNumber(frame);
    this.framesOut[n >= 0 && n <= LAST_ACTION ? n : LAST_ACTION + 1]!++;
  }

  errorSent(code: ErrorCodeValue): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  messageStored(): void {
    this.stored++;
  }

  commitBatch(ops: number): void {
    this.batches.observe(ops);
  }

  commitWaited(ms: number): void {
    this.commitWait.observe(ms / 1000);
  }

  commitWritten(ms: number, ops: number): void {
    this.commitLatency.observe(ms / 1000, ops);
  }

  handled(action: string, receivedAt: number): void {
    if (action === '3') this.ackLatency.observe((performance.now() - receivedAt) / 1000);
    else if (action === '12') this.historyLatency.observe((performance.now() - receivedAt) / 1000);
  }

  /** The Prometheus text exposition: this server's metrics, then the process's. */
  async text(): Promise<string> {
    return `${await this.registry.metrics()}\n${await processRegistry().metrics()}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
