import type Database from 'better-sqlite3';
import type { WriteOp, WriteResult } from '../store.js';
import { applyAdmin } from './admin-writes.js';
import { friendRequest, friendResponse, unfriend } from './friend-writes.js';
import { changeGroup, createGroup, groupConfirm, groupRead, groupRecall } from './group-writes.js';
import { purgeReservations, reserve } from './id-ranges.js';
import { append, confirm, confirmThrough, noticeDone, purgeNotices, read, recall } from './message-writes.js';
import { roomAppend } from './room-writes.js';
import { block, ensureUser, setContacts, upsertUser } from './user-writes.js';
import type { WriteContext } from './write-context.js';

/** One write operation inside the batch's transaction, on the writing connection. */
export function applyOp(db: Database.Database, w: WriteContext, op: WriteOp): WriteResult {
  const { sql } = w;
  switch (op.kind) {
    case 'ensureUser':
      return ensureUser(sql, op);
    case 'upsertUser':
      return upsertUser(sql, op);
    case 'setContacts':
      return setContacts(sql, op);
    case 'reserve':
      return reserve(w, op);
    case 'chargeUpload':
      if (op.bytes > op.maxBytes) return { charged: false };
      sql.dropUploadDaysBefore.run(op.owner, op.day);
      return { charged: sql.chargeUpload.run(op.owner, op.day, op.bytes, op.maxBytes).changes > 0 };
    case 'refundUpload':
      sql.refundUpload.run(op.bytes, op.owner, op.day);
      return null;
    case 'purgeReservations':
      return purgeReservations(sql, op);
    case 'append':
      return append(w, op);
    case 'confirm':
      return confirm(w, op);
    case 'confirmThrough':
      return confirmThrough(w, op);
    case 'read':
      return read(w, op);
    case 'noticeDone':
      return noticeDone(sql, op);
    case 'purgeNotices':
      return purgeNotices(sql, op);
    case 'recall':
      return recall(w, op);
    case 'friendRequest':
      return friendRequest(sql, op);
    case 'friendResponse':
      return friendResponse(sql, op);
    case 'unfriend':
      return unfriend(sql, op);
    case 'block':
      return block(w, op);
    case 'createGroup':
      return createGroup(sql, op);
    case 'changeGroup':
      return changeGroup(sql, op);
    case 'groupConfirm':
      return groupConfirm(sql, op);
    case 'groupRead':
      return groupRead(sql, op);
    case 'groupRecall':
      return groupRecall(sql, op);
    case 'roomAppend':
      return roomAppend(db, sql, op);
    case 'presence':
      return null;
    case 'revokeTokens':
    case 'eraseMessage':
    case 'deleteUser':
    case 'expireMessages':
    case 'expirePending':
    case 'recordFile':
    case 'dropFiles':
      return applyAdmin(w, op);
  }
}
