import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { type FailureLines, RepeatedFailure } from './repeated-failure.js';

/**
 * Copies the write-ahead log back into the database file from a worker thread, with a connection
 * of its own, so that checkpoints (and the fsync they end with) never run inside a commit on the
 * event loop: with SQLite's automatic checkpoint, every ~1,000 pages one commit paid 6-13 ms.
 * PASSIVE checkpoints never block the writer. Durability is unchanged (commits are in the WAL
 * either way).
 *
 * The WAL restarts from its beginning only when a write finds every frame of it checkpointed.
 * Under a steady stream of commits this thread never catches up (the writer appends while it
 * copies), so the log would grow without end: hundreds of MB in seconds at full load and at
 * 2,500 msg/s, each new block zeroed by the file system, until the disk is full. So each pass
 * reports a log longer than `RESTART_FRAMES` (by default), and the owner (`onLongLog`) checkpoints
 * the rest on the writer's own connection between two batches (only the frames written since this
 * pass); the next commit starts the log again from its beginning.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
let failing = false;
const run = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (failing) parentPort.postMessage({ recovered: true });
    failing = false;
    if (r && r.log >= workerData.restartFrames) parentPort.postMessage({ log: r.log });
  } catch (err) {
    failing = true;
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * The WAL length, in frames (pages), past which the writer's connection finishes a checkpoint:
 * 256 MiB of 4 KiB pages. That checkpoint syncs the log and the database file on the writer's
 * thread, which holds up commits for 10-50 ms on a disk with some write load, so it must be rare: at
 * 2,500 msg/s the log grows by about 55 MB a second (commits of a few messages each write ten pages
 * or so), and this is one pause every five seconds. At 16 MiB the pauses showed in the ack p99.
 */
export const RESTART_FRAMES = 65_536;

/** The wait before a new checkpoint thread replaces one that died; it doubles at each death, to a minute. */
export const CHECKPOINTER_RESTART_MS = 1000;
const RESTART_MAX_MS = 60_000;

/** The message of the log line when the checkpoint thread dies (a new one starts after a wait). */
export const CHECKPOINTER_DIED = 'WAL checkpoint worker failed; a new one starts after a wait';

/** The log lines of checkpoint passes that fail (a full disk, an I/O error), and of the first that works again. */
export const CHECKPOINT_FAILURE_LINES: FailureLines = {
  failed: 'WAL checkpoint failed; the next one retries',
  still: 'WAL checkpoints still failing',
  recovered: 'WAL checkpoints work again',
};

export class Checkpointer {
  private worker: Worker;
  /** Resolves when the current thread has ended. */
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private restartMs = CHECKPOINTER_RESTART_MS;
  private restartTimer: NodeJS.Timeout | undefined;
  /** A pass that fails fails again 250 ms later: logged once, then once a minute. */
  private readonly failures: RepeatedFailure;

  /**
   * `onLongLog`: the log is longer than `restartFrames` after a pass; called on the owner's
   * thread, between its batches. A thread that dies (an error it did not catch, a failed open) is
   * logged and replaced after CHECKPOINTER_RESTART_MS, doubling at each death: without checkpoints
   * the WAL grows until the disk is full.
   */
  constructor(
    private readonly file: string,
    private readonly intervalMs: number,
    private readonly log?: Logger,
    private readonly restartFrames = RESTART_FRAMES,
    private readonly onLongLog?: () => void,
  ) {
    this.failures = new RepeatedFailure(log, CHECKPOINT_FAILURE_LINES);
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const workerData = {
      driver,
      file: this.file,
      intervalMs: this.intervalMs,
      restartFrames: this.restartFrames,
    };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    worker.unref();
    worker.on('message', (m: { error?: string; recovered?: boolean; log?: number }) => {
      if (m.error) this.failures.failed(m.error);
      else if (m.recovered) this.failures.succeeded();
      else if (m.log !== undefined) this.onLongLog?.();
    });
    let failure: Error | undefined;
    worker.once('error', (err) => {
      failure = err;
    });
    this.exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        resolve();
        if (this.stopping) return;
        this.log?.error({ err: failure, code, restartInMs: this.restartMs }, CHECKPOINTER_DIED);
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined;
          if (!this.stopping) this.worker = this.spawn();
        }, this.restartMs).unref();
        this.restartMs = Math.min(this.restartMs * 2, RESTART_MAX_MS);
      });
    });
    return worker;
  }

  /** Stops the worker and waits until its connection is closed. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.worker.ref(); // an unreferenced thread would let the process end before it closed
    this.worker.postMessage('stop');
    await this.exited;
  }
}
