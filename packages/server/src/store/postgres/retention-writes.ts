import { isGroupId } from '@parley/protocol';
import type { AdminWriteOps } from '../admin.js';
import { type Db, SQL } from './statements.js';

type Op<K extends keyof AdminWriteOps> = AdminWriteOps[K]['op'];
type Result<K extends keyof AdminWriteOps> = AdminWriteOps[K]['result'];

/**
 * Age-based sweeps, run inside a batch transaction. They never wait for a lock: the oldest rows
 * are read from a time index, and only those whose users' rows this transaction could lock at once
 * (`SKIP LOCKED`) are deleted; the others are left to the next sweep. Every other writer of a
 * timeline or pending row holds its user's row, so a sweep cannot take part in a deadlock, and it
 * may share a batch with chat operations (a user the batch locked already is the sweep's too).
 */
export async function expireMessages(db: Db, op: Op<'expireMessages'>): Promise<Result<'expireMessages'>> {
  const old = await db.all(SQL.oldMessages, op.beforeMs, op.limit);
  if (old.length === 0) return { deleted: 0 };
  const usable = await lockable(
    db,
    old.flatMap((m) => (isGroupId(m.to_id) ? [] : [m.from_id, m.to_id])),
  );
  const ids: number[] = [];
  const entries: [string[], number[]] = [[], []];
  const groupEntries: [string[], number[]] = [[], []];
  for (const m of old) {
    if (isGroupId(m.to_id)) {
      groupEntries[0].push(m.to_id);
      groupEntries[1].push(m.msg_id);
    } else if (usable(m.from_id) && usable(m.to_id)) {
      for (const userId of m.from_id === m.to_id ? [m.to_id] : [m.to_id, m.from_id]) {
        entries[0].push(userId);
        entries[1].push(m.msg_id);
      }
    } else continue;
    ids.push(m.msg_id);
  }
  if (ids.length === 0) return { deleted: 0 };
  const { n } = (await db.get(SQL.deleteMessages, ids, ...entries, ...groupEntries))!;
  return { deleted: n };
}

export async function expirePending(db: Db, op: Op<'expirePending'>): Promise<Result<'expirePending'>> {
  const old = await db.all(SQL.oldPending, op.beforeMs, op.limit);
  if (old.length === 0) return { expired: 0 };
  const usable = await lockable(
    db,
    old.map((p) => p.user_id),
  );
  const rows = old.filter((p) => usable(p.user_id));
  if (rows.length === 0) return { expired: 0 };
  return {
    expired: await db.run(
      SQL.deletePendingRows,
      rows.map((p) => p.user_id),
      rows.map((p) => p.seq),
    ),
  };
}

/**
 * Locks the rows of those users no other transaction holds; says of each user whether its rows may
 * be written now (locked here, or no such user any more: nobody else writes a deleted user's rows).
 */
async function lockable(db: Db, userIds: string[]): Promise<(userId: string) => boolean> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return () => true;
  const locked = new Set((await db.all(SQL.lockUsersSkipLocked, ids)).map((r) => r.id));
  const existing = new Set((await db.all(SQL.existingUsers, ids)).map((r) => r.id));
  return (userId) => locked.has(userId) || !existing.has(userId);
}
