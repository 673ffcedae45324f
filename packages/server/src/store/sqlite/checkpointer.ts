import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/**
 * Copies the write-ahead log back into the database file from a worker thread, with a connection
 * of its own, so that checkpoints (and the fsync they end with) never run inside a commit on the
 * event loop: with SQLite's automatic checkpoint, every ~1,000 pages one commit paid 6-13 ms.
 * PASSIVE checkpoints never block the writer; the WAL restarts from its beginning once a
 * checkpoint has caught up. Durability is unchanged (commits are in the WAL either way).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const run = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
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

export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(file: string, intervalMs: number, log?: Logger) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, intervalMs } });
    this.worker.unref();
    this.worker.on('message', (m: { error?: string }) => {
      if (m.error) log?.warn({ err: m.error }, 'WAL checkpoint failed; the next one retries');
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
