import type Database from 'better-sqlite3';
import type { DispatchLease, Outbox, OutboxCapture, OutboxEvent, OutboxRow } from '../outbox.js';
import type { WriteOp, WriteResult } from '../store.js';
import { prep } from './prep.js';
import type { ThreadedWriter } from './writer/threaded-writer.js';

interface Row {
  id: number;
  conv: string;
  type: string;
  time_ms: number;
  body: string;
}

const toRow = (r: Row): OutboxRow => ({
  id: r.id,
  conv: r.conv,
  type: r.type,
  timeMs: r.time_ms,
  body: r.body,
});

/**
 * The SQLite store's outbox. `capture` runs inside the batch transaction (the store calls it after
 * each operation); the dispatcher's reads and writes are statements of their own, which never run
 * inside a batch (better-sqlite3 is synchronous). One process owns the file, so the dispatch lease
 * is always this process's.
 */
export class SqliteOutbox implements Outbox {
  private readonly sql;
  private capturing: OutboxCapture | undefined;
  private committed: (() => void) | undefined;
  /** Events written by the batch being applied. */
  private wrote = false;

  /**
   * `writer`: the batches run in the SQLite writer thread, which captures there (rebuilt from the
   * capture's recipe) and also takes this outbox's own writes; reads stay on this connection.
   */
  constructor(
    db: Database.Database,
    private readonly writer?: ThreadedWriter,
  ) {
    this.sql = {
      insert: prep<[string, string, number, string, string | null]>(
        db,
        'INSERT INTO webhook_outbox (conv, type, time_ms, body, from_id) VALUES (?, ?, ?, ?, ?)',
      ),
      pending: prep<[string, number], Row>(
        db,
        `SELECT id, conv, type, time_ms, body FROM webhook_outbox INDEXED BY webhook_outbox_pending
         WHERE delivered_ms IS NULL AND conv NOT IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?`,
      ),
      bodies: prep<[string], { id: number; body: string }>(
        db,
        'SELECT id, body FROM webhook_outbox WHERE id IN (SELECT value FROM json_each(?))',
      ),
      delivered: prep<[number, string]>(
        db,
        `UPDATE webhook_outbox SET delivered_ms = ?
         WHERE id IN (SELECT value FROM json_each(?)) AND delivered_ms IS NULL`,
      ),
      purgeDelivered: prep<[number, number]>(
        db,
        `DELETE FROM webhook_outbox WHERE id IN (SELECT id FROM webhook_outbox
         WHERE time_ms < ? AND delivered_ms IS NOT NULL LIMIT ?)`,
      ),
      purgeUndelivered: prep<[number, number]>(
        db,
        `DELETE FROM webhook_outbox WHERE id IN (SELECT id FROM webhook_outbox
         WHERE time_ms < ? AND delivered_ms IS NULL LIMIT ?)`,
      ),
      backlog: prep<[], { n: number }>(
        db,
        'SELECT COUNT(*) AS n FROM webhook_outbox INDEXED BY webhook_outbox_pending WHERE delivered_ms IS NULL',
      ),
    };
  }

  captureEvents(capture: OutboxCapture | undefined, committed?: () => void): void {
    this.capturing = capture;
    this.committed = committed;
    if (!this.writer) return;
    if (capture && !capture.recipe)
      throw new Error('this outbox capture cannot run in the SQLite writer thread');
    // sent before any later batch: the thread answers calls in order
    this.writer.configure({ kind: 'capture', recipe: capture?.recipe }).catch(() => {});
  }

  /** The time the capture's clock gives a batch about to be written (the writer thread's events). */
  batchNow(): number {
    return this.capturing?.clock?.now() ?? Date.now();
  }

  /** A batch written in the writer thread committed events: the dispatcher may go. */
  eventsCommitted(): void {
    this.committed?.();
  }

  /** Inside the batch transaction: writes the events of one applied operation; returns its result. */
  capture(op: WriteOp, result: WriteResult): WriteResult {
    if (!this.capturing) return result;
    const events: readonly OutboxEvent[] = this.capturing(op, result);
    for (const e of events) this.sql.insert.run(e.conv, e.type, e.timeMs, e.body, e.fromId ?? null);
    if (events.length > 0) this.wrote = true;
    return result;
  }

  /**
   * After a batch committed: tells the dispatcher when it wrote events. (A batch that rolled back
   * leaves the flag set: the next commit then wakes the dispatcher once for nothing, which is harmless.)
   */
  settled(): void {
    if (!this.wrote) return;
    this.wrote = false;
    this.committed?.();
  }

  async outboxPending(limit: number, skipConvs: readonly string[]): Promise<OutboxRow[]> {
    return this.sql.pending.all(JSON.stringify(skipConvs), limit).map(toRow);
  }

  async outboxBodies(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    return new Map(this.sql.bodies.all(JSON.stringify(ids)).map((r) => [r.id, r.body]));
  }

  async outboxDelivered(ids: readonly number[], nowMs: number): Promise<void> {
    if (ids.length === 0) return;
    if (this.writer) await this.writer.call({ kind: 'outboxDelivered', ids, nowMs });
    else this.sql.delivered.run(nowMs, JSON.stringify(ids));
  }

  async outboxPurge(beforeMs: number, limit: number): Promise<{ delivered: number; undelivered: number }> {
    if (this.writer) {
      const reply = await this.writer.call({ kind: 'outboxPurge', beforeMs, limit });
      return reply.value as { delivered: number; undelivered: number };
    }
    return {
      delivered: this.sql.purgeDelivered.run(beforeMs, limit).changes,
      undelivered: this.sql.purgeUndelivered.run(beforeMs, limit).changes,
    };
  }

  async outboxBacklog(): Promise<number> {
    return this.sql.backlog.get()!.n;
  }

  outboxLease(): DispatchLease {
    return { acquire: async () => true, held: async () => true, release: async () => {} };
  }
}
