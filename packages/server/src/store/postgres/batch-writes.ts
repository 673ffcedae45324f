import { isGroupId } from '@parley/protocol';
import { storedDigest } from '../rules.js';
import type { AppendResult, WriteOps } from '../store.js';
import { appendToGroup } from './group-writes.js';
import { reused } from './message-writes.js';
import { type Db, SQL } from './statements.js';
import { toDb } from './text.js';

type Op<K extends keyof WriteOps> = WriteOps[K]['op'];
type Result<K extends keyof WriteOps> = WriteOps[K]['result'];

/**
 * Runs of consecutive operations of one kind, applied with set-based statements instead of a few
 * round trips per operation. Each gives exactly the results (and leaves exactly the state) that the
 * per-op functions of `message-writes.ts` give when applied one after the other, which remain the
 * reference (`PostgresStoreOptions.batchRuns: false`) and the path of the rare outcomes.
 */

/**
 * A run of appends whose ids are distinct (the caller splits a run where an id repeats), so no
 * append of the run reads or writes what another one does, except the per-user counters: timeline
 * heads, assigned in op order by `storeMessages`, and pending counts, checked here in op order
 * against the counts read under the batch's user locks. Two statements for the common case.
 * Messages to groups are stored one by one as the loop meets them (two statements each): their
 * positions are the group's, in op order, and they share no row with the 1:1 messages.
 */
export async function appendRun(db: Db, ops: readonly Op<'append'>[]): Promise<AppendResult[]> {
  const taken = await db.all(
    SQL.takeReservations,
    ops.map((m) => m.msgId),
    ops.map((m) => m.fromId),
    ops.map((m) => m.toId),
  );
  if (taken.length !== ops.length) throw new Error(`append run: ${taken.length} rows for ${ops.length} ops`);
  const results: (AppendResult | undefined)[] = new Array(ops.length);
  /** Pending messages per recipient as the run has raised them so far (null: no row yet). */
  const pending = new Map<string, number | null>();
  const toStore: number[] = [];
  for (const [i, m] of ops.entries()) {
    const row = taken[i]!;
    if (row.reserved_ms === null) {
      results[i] = await reused(db, m);
      continue;
    }
    if (row.reserved_ms < m.validFromMs) {
      results[i] = { outcome: 'expired_id' }; // and it is gone now
      continue;
    }
    const giveBack = () => db.run(SQL.giveBackReservation, m.msgId, m.fromId, row.reserved_ms!);
    if (isGroupId(m.toId)) {
      // per op, now: a group message changes only rows of its group (locked for the batch) and
      // its message, none that the 1:1 messages stored below touch
      results[i] = await appendToGroup(db, m);
      if (results[i]!.outcome !== 'stored') await giveBack();
      continue;
    }
    if (!row.to_exists) {
      await giveBack();
      results[i] = { outcome: 'unknown_user' };
      continue;
    }
    if (row.blocked) {
      await giveBack();
      results[i] = { outcome: 'blocked' };
      continue;
    }
    // as countPending: a first row is created with 1 whatever the cap; a row below the cap is raised
    const n = pending.has(m.toId) ? pending.get(m.toId)! : row.pending;
    if (n !== null && n >= m.maxPending) {
      await giveBack();
      results[i] = { outcome: 'recipient_full' };
      continue;
    }
    pending.set(m.toId, n === null ? 1 : n + 1);
    toStore.push(i);
  }
  if (toStore.length > 0) {
    const stored = toStore.map((i) => ops[i]!);
    const rows = await db.all(
      SQL.storeMessages,
      stored.map((m) => m.msgId),
      stored.map((m) => m.fromId),
      stored.map((m) => m.toId),
      stored.map((m) => m.type),
      stored.map((m) => toDb(m.body)),
      stored.map((m) => storedDigest(m)),
      stored.map((m) => m.timeMs),
    );
    if (rows.length !== stored.length) throw new Error('append run: a recipient vanished');
    for (const [k, i] of toStore.entries()) {
      const { msgId, fromId, toId, type, body, timeMs } = ops[i]!;
      const { seq, sender_seq } = rows[k]!;
      results[i] = {
        outcome: 'stored',
        message: { seq, msgId, fromId, toId, type, body, status: 1, timeMs, recalled: false },
        senderSeq: sender_seq,
      };
    }
  }
  return results as AppendResult[];
}

/** `reserve` (of `quota-writes.ts`) in one round trip instead of three. */
export async function reserveAtOnce(db: Db, op: Op<'reserve'>): Promise<Result<'reserve'>> {
  const row = (await db.get(
    SQL.reserveAtOnce,
    op.userId,
    op.validFromMs,
    op.nowMs,
    op.count,
    op.maxOutstanding,
  ))!;
  return row.ok
    ? { outcome: 'reserved', ids: row.ids.map(Number).sort((a, b) => a - b) }
    : { outcome: 'too_many' };
}

/**
 * A run of confirms, in one statement. A confirm only reads timelines, which confirms do not
 * change, and deletes pending rows: the same message twice in a run is found both times.
 */
export async function confirmRun(db: Db, ops: readonly Op<'confirm'>[]): Promise<Result<'confirm'>[]> {
  const rows = await db.all(
    SQL.confirmMany,
    ops.map((c) => c.userId),
    ops.map((c) => c.msgId),
  );
  if (rows.length !== ops.length) throw new Error(`confirm run: ${rows.length} rows for ${ops.length} ops`);
  return rows.map((r) => ({ found: r.found }));
}
