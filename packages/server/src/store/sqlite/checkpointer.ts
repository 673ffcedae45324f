import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

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
const run = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r && r.log >= workerData.restartFrames) parentPort.postMessage({ log: r.log });
  } catch (err) {
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

export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  /**
   * `onLongLog`: the log is longer than `restartFrames` after a pass; called on the owner's
   * thread, between its batches.
   */
  constructor(
    file: string,
    intervalMs: number,
    log?: Logger,
    restartFrames = RESTART_FRAMES,
    onLongLog?: () => void,
  ) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const workerData = { driver, file, intervalMs, restartFrames };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.worker.unref();
    this.worker.on('message', (m: { error?: string; log?: number }) => {
      if (m.error) log?.warn({ err: m.error }, 'WAL checkpoint failed; the next one retries');
      else if (m.log !== undefined) onLongLog?.();
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.once('error', (err) => {
        log?.error({ err }, 'WAL checkpoint worker failed; checkpoints stop until restart');
        resolve();
      });
    });
  }

  /** Stops the worker and waits until its connection is closed. */
  async stop(): Promise<void> {
    this.worker.ref(); // an unreferenced thread would let the process end before it closed
    this.worker.postMessage('stop');
    await this.exited;
  }
}
