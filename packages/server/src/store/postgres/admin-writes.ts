import { isGroupId } from '@parley/protocol';
import type { AdminWriteOps, FileRecord } from '../admin.js';
import { EntryKind } from '../groups.js';
import type { WriteOp, WriteResult } from '../store.js';
import type { FileRow } from './admin-statements.js';
import { recall } from './message-writes.js';
import { expireMessages, expirePending } from './retention-writes.js';
import { toMessage } from './rows.js';
import { type Db, SQL } from './statements.js';

type Op<K extends keyof AdminWriteOps> = AdminWriteOps[K]['op'];
type Result<K extends keyof AdminWriteOps> = AdminWriteOps[K]['result'];
export type AdminOp = Extract<WriteOp, { kind: keyof AdminWriteOps }>;

/**
 * The admin write operations, run inside the batch transaction (one entry for the store's switch).
 * `deleteUser` and `eraseMessage` run with the users they name locked (`locks.ts`), an erase in a
 * group with the group's row locked; the sweeps lock what they delete themselves, skipping rows
 * others hold.
 */
export async function applyAdmin(db: Db, op: AdminOp): Promise<WriteResult> {
  switch (op.kind) {
    case 'revokeTokens':
      return revokeTokens(db, op);
    case 'eraseMessage':
      return eraseMessage(db, op);
    case 'deleteUser':
      return deleteUser(db, op);
    case 'expireMessages':
      return expireMessages(db, op);
    case 'expirePending':
      return expirePending(db, op);
    case 'recordFile':
      await db.run(SQL.recordFile, op.id, op.owner ?? null, op.sha256, op.size, op.createdMs);
      return null;
    case 'dropFiles': {
      const rows = await db.all(SQL.dropFiles, [...new Set(op.ids)]);
      return { dropped: rows.map((r) => ({ id: r.id, sha256: r.sha256, lastOfBlob: !r.shared })) };
    }
  }
}

async function revokeTokens(db: Db, op: Op<'revokeTokens'>): Promise<Result<'revokeTokens'>> {
  if (!(await db.get(SQL.userExists, op.userId))) return { outcome: 'unknown_user' };
  const row = (await db.get(SQL.revokeTokens, op.userId, op.validFromMs))!;
  return { outcome: 'revoked', validFromMs: row.valid_from_ms };
}

async function eraseMessage(db: Db, op: Op<'eraseMessage'>): Promise<Result<'eraseMessage'>> {
  const row = await db.get(SQL.messageById, op.msgId);
  if (!row || row.from_id !== op.userId || row.to_id !== op.toId) return { outcome: 'not_found' };
  if (!isGroupId(row.to_id)) {
    // a recall whenever it was sent: the same rule and notice as action 6
    const r = await recall(db, {
      userId: op.userId,
      peerId: op.toId,
      msgId: op.msgId,
      notBeforeMs: 0,
      notice: op.notice,
    });
    await db.run(SQL.forgetDigest, op.msgId);
    if (r.outcome === 'recalled') return { outcome: 'erased', toId: row.to_id, noticeId: r.noticeId };
    return { outcome: r.outcome === 'already' ? 'already' : 'not_found' };
  }
  // in a group, also one the user left: a recall entry for the members of now
  if (!(await db.get(SQL.eraseMessage, op.msgId))) {
    await db.run(SQL.forgetDigest, op.msgId);
    return { outcome: 'already' };
  }
  const { seq } = (await db.get(
    SQL.appendGroupEntry,
    row.to_id,
    EntryKind.Recall,
    op.userId,
    op.msgId,
    null,
    op.timeMs,
  ))!;
  return {
    outcome: 'erased_in_group',
    entry: {
      kind: 'recall',
      groupId: row.to_id,
      seq,
      message: { ...toMessage(row), body: '', recalled: true },
    },
    recipients: (await db.all(SQL.memberIds, row.to_id)).map((r) => r.user_id),
  };
}

async function deleteUser(db: Db, op: Op<'deleteUser'>): Promise<Result<'deleteUser'>> {
  const { userId, limit } = op;
  if (!(await db.get(SQL.userExists, userId))) return { outcome: 'unknown_user' };
  let more = false;
  for (const stmt of [
    SQL.deleteTimelineChunk,
    SQL.deletePendingChunk,
    SQL.deleteNoticesChunk,
    SQL.deleteConversationsChunk,
    SQL.deleteContactsChunk,
    SQL.deleteContactOfChunk,
    SQL.deleteRequestsFromChunk,
    SQL.deleteRequestsToChunk,
    SQL.deleteReservationsChunk,
    SQL.deleteBlocksChunk,
    SQL.deleteBlockedByChunk,
    SQL.deleteMembershipsChunk,
    SQL.deleteUploadUsageChunk,
    SQL.redactOutboxChunk,
  ]) {
    if ((await db.run(stmt, userId, limit)) >= limit) more = true;
  }
  if (more) return { outcome: 'more' };
  await db.run(SQL.deleteRoomMessagesOf, userId);
  await db.run(SQL.deletePendingCount, userId);
  // the id may come back (a new account): tokens issued before now never work for it
  await db.get(SQL.revokeTokens, userId, op.timeMs);
  await db.run(SQL.deleteUserRow, userId);
  return { outcome: 'deleted' };
}

export function toFile(r: FileRow): FileRecord {
  return { id: r.id, owner: r.owner ?? undefined, sha256: r.sha256, size: r.size, createdMs: r.created_ms };
}
