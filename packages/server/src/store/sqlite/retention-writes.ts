import { isGroupId } from '@parley/protocol';
import type { AdminWriteOps } from '../admin.js';
import type { Statements } from './statements.js';

type Op<K extends keyof AdminWriteOps> = AdminWriteOps[K]['op'];
type Result<K extends keyof AdminWriteOps> = AdminWriteOps[K]['result'];

/**
 * Age-based sweeps, run inside the batch transaction: each reads the oldest end of a time index
 * and deletes by key, at most `limit` at a time.
 */
export function expireMessages(sql: Statements, op: Op<'expireMessages'>): Result<'expireMessages'> {
  const old = sql.oldMessages.all(op.beforeMs, op.limit);
  for (const m of old) {
    if (isGroupId(m.to_id)) sql.deleteGroupEntries.run(m.to_id, m.msg_id);
    else {
      for (const userId of m.from_id === m.to_id ? [m.to_id] : [m.to_id, m.from_id]) {
        const entry = sql.entrySeq.get(userId, m.msg_id);
        if (!entry) continue;
        if (entry.incoming === 1) sql.deletePending.run(userId, entry.seq);
        sql.deleteEntry.run(userId, m.msg_id);
      }
    }
    sql.deleteMessage.run(m.msg_id);
  }
  return { deleted: old.length };
}

export function expirePending(sql: Statements, op: Op<'expirePending'>): Result<'expirePending'> {
  return { expired: sql.expirePending.run(op.beforeMs, op.limit).changes };
}
