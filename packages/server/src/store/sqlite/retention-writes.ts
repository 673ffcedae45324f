import { isGroupId } from '@parley/protocol';
import type { AdminWriteOps } from '../admin.js';
import { deletePending, timelineEntry } from './message-writes.js';
import type { WriteContext } from './write-context.js';

type Op<K extends keyof AdminWriteOps> = AdminWriteOps[K]['op'];
type Result<K extends keyof AdminWriteOps> = AdminWriteOps[K]['result'];

/**
 * Age-based sweeps, run inside the batch transaction: each reads the oldest end of a time index
 * (messages: of their ids, up to the bound `id_clock` gives; id-clock.ts) and deletes by key, at
 * most `limit` at a time.
 */
export function expireMessages(w: WriteContext, op: Op<'expireMessages'>): Result<'expireMessages'> {
  const { sql } = w;
  const bound = sql.idBoundAt.get(op.beforeMs)?.next_id ?? sql.nextIdValue.get()!.value;
  sql.dropIdClockBefore.run(op.beforeMs);
  const old = sql.oldMessages.all(bound, op.beforeMs, op.limit);
  for (const m of old) {
    if (isGroupId(m.to_id)) sql.deleteGroupEntries.run(m.to_id, m.msg_id);
    else {
      for (const userId of m.from_id === m.to_id ? [m.to_id] : [m.to_id, m.from_id]) {
        const entry = timelineEntry(sql, userId, m.msg_id);
        if (!entry) continue;
        if (entry.incoming === 1) deletePending(w, userId, entry.seq);
        // the newest entry may go: its position must stay used
        sql.settleSeqHead.run(userId, userId);
        sql.deleteEntry.run(userId, entry.seq);
      }
    }
    sql.deleteMessage.run(m.msg_id);
  }
  return { deleted: old.length };
}

export function expirePending(
  { sql, users }: WriteContext,
  op: Op<'expirePending'>,
): Result<'expirePending'> {
  const gone = sql.expirePending.all(op.beforeMs, op.limit);
  for (const r of gone) users.pendingGone(r.user_id, 1);
  return { expired: gone.length };
}
