import { isGroupId } from '@parley/protocol';
import type { AdminWriteOps, FileRecord } from '../admin.js';
import { EntryKind } from '../groups.js';
import type { WriteOp, WriteResult } from '../store.js';
import type { FileRow } from './admin-statements.js';
import { recall } from './message-writes.js';
import { expireMessages, expirePending } from './retention-writes.js';
import { toMessage } from './rows.js';
import type { Statements } from './statements.js';
import type { WriteContext } from './write-context.js';

type Op<K extends keyof AdminWriteOps> = AdminWriteOps[K]['op'];
type Result<K extends keyof AdminWriteOps> = AdminWriteOps[K]['result'];
export type AdminOp = Extract<WriteOp, { kind: keyof AdminWriteOps }>;

/** The admin write operations, run inside the batch transaction (one entry for the store's switch). */
export function applyAdmin(w: WriteContext, op: AdminOp): WriteResult {
  const { sql } = w;
  switch (op.kind) {
    case 'revokeTokens':
      return revokeTokens(sql, op);
    case 'eraseMessage':
      return eraseMessage(w, op);
    case 'deleteUser':
      return deleteUser(w, op);
    case 'expireMessages':
      return expireMessages(w, op);
    case 'expirePending':
      return expirePending(w, op);
    case 'recordFile':
      sql.recordFile.run(op.id, op.owner ?? null, op.sha256, op.size, op.createdMs);
      return null;
    case 'dropFiles':
      return dropFiles(sql, op);
  }
}

function revokeTokens(sql: Statements, op: Op<'revokeTokens'>): Result<'revokeTokens'> {
  if (!sql.userExists.get(op.userId)) return { outcome: 'unknown_user' };
  return { outcome: 'revoked', validFromMs: sql.revokeTokens.get(op.userId, op.validFromMs)!.valid_from_ms };
}

function eraseMessage(w: WriteContext, op: Op<'eraseMessage'>): Result<'eraseMessage'> {
  const { sql } = w;
  const row = sql.messageById.get(op.msgId);
  if (!row || row.from_id !== op.userId || row.to_id !== op.toId) return { outcome: 'not_found' };
  if (!isGroupId(row.to_id)) {
    // a recall whenever it was sent: the same rule and notice as action 6
    const r = recall(w, {
      userId: op.userId,
      peerId: op.toId,
      msgId: op.msgId,
      notBeforeMs: 0,
      notice: op.notice,
    });
    sql.forgetDigest.run(op.msgId);
    if (r.outcome === 'recalled') return { outcome: 'erased', toId: row.to_id, noticeId: r.noticeId };
    return { outcome: r.outcome === 'already' ? 'already' : 'not_found' };
  }
  // in a group, also one the user left: a recall entry for the members of now
  if (sql.eraseMessage.run(op.msgId).changes === 0) {
    sql.forgetDigest.run(op.msgId);
    return { outcome: 'already' };
  }
  const seq = sql.nextGroupSeq.get(row.to_id)!.seq;
  sql.insertGroupEntry.run(row.to_id, seq, EntryKind.Recall, op.msgId, op.userId, null, op.timeMs);
  return {
    outcome: 'erased_in_group',
    entry: { kind: 'recall', groupId: row.to_id, seq, message: toMessage(sql.messageById.get(op.msgId)!) },
    recipients: sql.memberIds.all(row.to_id).map((r) => r.user_id),
  };
}

function deleteUser({ sql, users }: WriteContext, op: Op<'deleteUser'>): Result<'deleteUser'> {
  const { userId, limit } = op;
  if (!sql.userExists.get(userId)) return { outcome: 'unknown_user' };
  // its pending count, its head, and others' blocks of it change: the writer loads them again
  users.clear();
  // while the user is there, deleting its newest entries must not make their positions reusable
  sql.settleSeqHead.run(userId, userId);
  let more = false;
  for (const stmt of [
    sql.deleteTimelineChunk,
    sql.deletePendingChunk,
    sql.deleteNoticesChunk,
    sql.deleteConversationsChunk,
    sql.deleteContactsChunk,
    sql.deleteContactOfChunk,
    sql.deleteRequestsFromChunk,
    sql.deleteRequestsToChunk,
    sql.deleteReservationsChunk,
    sql.deleteBlocksChunk,
    sql.deleteBlockedByChunk,
    sql.deleteMembershipsChunk,
    sql.deleteUploadUsageChunk,
    sql.redactOutboxChunk,
  ]) {
    if (stmt.run(userId, limit).changes >= limit) more = true;
  }
  if (more) return { outcome: 'more' };
  sql.deleteRoomMessagesOf.run(userId);
  // the id may come back (open mode, a new account): tokens issued before now never work for it
  sql.revokeTokens.get(userId, op.timeMs);
  sql.deleteUser.run(userId);
  return { outcome: 'deleted' };
}

function dropFiles(sql: Statements, op: Op<'dropFiles'>): Result<'dropFiles'> {
  const rows: FileRow[] = [];
  for (const id of new Set(op.ids)) {
    const row = sql.file.get(id);
    if (!row) continue;
    sql.deleteFile.run(id);
    rows.push(row);
  }
  return {
    dropped: rows.map((r) => ({ id: r.id, sha256: r.sha256, lastOfBlob: !sql.blobInUse.get(r.sha256) })),
  };
}

export function toFile(r: FileRow): FileRecord {
  return { id: r.id, owner: r.owner ?? undefined, sha256: r.sha256, size: r.size, createdMs: r.created_ms };
}
