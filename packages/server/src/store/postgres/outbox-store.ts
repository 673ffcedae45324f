import type { DispatchLease, Outbox, OutboxCapture, OutboxEvent, OutboxRow } from '../outbox.js';
import type { WriteOp, WriteResult } from '../store.js';
import { PgDispatchLease } from './outbox-lease.js';
import type { Db, Stmt } from './stmt.js';

interface Row {
  id: number;
  conv: string;
  type: string;
  time_ms: number;
  body: string;
}

function stmt<P extends unknown[] = [], R = never>(name: string, text: string): Stmt<P, R> {
  return { name: `parley_outbox_${name}`, text };
}

const OUTBOX_SQL = {
  /** In op order, so the ids of a batch's events follow the order of its operations. */
  insert: stmt<[string[], string[], number[], string[], (string | null)[]]>(
    'insert',
    `INSERT INTO webhook_outbox (conv, type, time_ms, body, from_id)
     SELECT conv, type, time_ms, body, from_id
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[])
       WITH ORDINALITY AS e(conv, type, time_ms, body, from_id, n)
     ORDER BY n`,
  ),
  pending: stmt<[string[], number], Row>(
    'pending',
    `SELECT id, conv, type, time_ms, body FROM webhook_outbox
     WHERE delivered_ms IS NULL AND conv <> ALL($1::text[]) ORDER BY id LIMIT $2`,
  ),
  bodies: stmt<[number[]], { id: number; body: string }>(
    'bodies',
    'SELECT id, body FROM webhook_outbox WHERE id = ANY($1::bigint[])',
  ),
  delivered: stmt<[number, number[]]>(
    'delivered',
    'UPDATE webhook_outbox SET delivered_ms = $1 WHERE id = ANY($2::bigint[]) AND delivered_ms IS NULL',
  ),
  purge: stmt<[number, boolean, number]>(
    'purge',
    `DELETE FROM webhook_outbox WHERE id IN (SELECT id FROM webhook_outbox
     WHERE time_ms < $1 AND (delivered_ms IS NOT NULL) = $2 LIMIT $3)`,
  ),
  backlog: stmt<[], { n: number }>(
    'backlog',
    'SELECT COUNT(*) AS n FROM webhook_outbox WHERE delivered_ms IS NULL',
  ),
};

/**
 * The PostgreSQL store's outbox: `capture` writes a batch's events in its transaction, after its
 * locks (one statement); the dispatcher's statements run on the pool; the lease is an advisory lock.
 */
export class PgOutbox implements Outbox {
  private capturing: OutboxCapture | undefined;
  private committed: (() => void) | undefined;

  constructor(
    private readonly reads: Db,
    private readonly lease: { connectionString: string; schema: string; connectTimeoutMs: number },
  ) {}

  captureEvents(capture: OutboxCapture | undefined, committed?: () => void): void {
    this.capturing = capture;
    this.committed = committed;
  }

  /** Inside the batch transaction, after every operation: their events. Returns whether it wrote any. */
  async capture(db: Db, ops: readonly WriteOp[], results: readonly WriteResult[]): Promise<boolean> {
    if (!this.capturing) return false;
    const events: OutboxEvent[] = [];
    for (const [i, op] of ops.entries()) events.push(...this.capturing(op, results[i]!));
    if (events.length === 0) return false;
    await db.run(
      OUTBOX_SQL.insert,
      events.map((e) => e.conv),
      events.map((e) => e.type),
      events.map((e) => e.timeMs),
      events.map((e) => e.body),
      events.map((e) => e.fromId ?? null),
    );
    return true;
  }

  /** After COMMIT of a batch that wrote events. */
  settled(): void {
    this.committed?.();
  }

  async outboxPending(limit: number, skipConvs: readonly string[]): Promise<OutboxRow[]> {
    const rows = await this.reads.all(OUTBOX_SQL.pending, [...skipConvs], limit);
    return rows.map((r) => ({ id: r.id, conv: r.conv, type: r.type, timeMs: r.time_ms, body: r.body }));
  }

  async outboxBodies(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.reads.all(OUTBOX_SQL.bodies, [...ids]);
    return new Map(rows.map((r) => [r.id, r.body]));
  }

  async outboxDelivered(ids: readonly number[], nowMs: number): Promise<void> {
    if (ids.length > 0) await this.reads.run(OUTBOX_SQL.delivered, nowMs, [...ids]);
  }

  async outboxPurge(beforeMs: number, limit: number): Promise<{ delivered: number; undelivered: number }> {
    return {
      delivered: await this.reads.run(OUTBOX_SQL.purge, beforeMs, true, limit),
      undelivered: await this.reads.run(OUTBOX_SQL.purge, beforeMs, false, limit),
    };
  }

  async outboxBacklog(): Promise<number> {
    return (await this.reads.get(OUTBOX_SQL.backlog))!.n;
  }

  outboxLease(): DispatchLease {
    return new PgDispatchLease(this.lease.connectionString, this.lease.schema, this.lease.connectTimeoutMs);
  }
}
