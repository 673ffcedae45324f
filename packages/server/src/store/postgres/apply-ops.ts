import type { WriteOp, WriteResult } from '../store.js';
import { applyAdmin } from './admin-writes.js';
import { appendRun, confirmRun, reserveAtOnce } from './batch-writes.js';
import { friendRequest, friendResponse, unfriend } from './friend-writes.js';
import { changeGroup, createGroup, groupConfirm, groupRead, groupRecall } from './group-writes.js';
import { append, confirm, confirmThrough, noticeDone, purgeNotices, read, recall } from './message-writes.js';
import { chargeUpload, purgeReservations, refundUpload, reserve } from './quota-writes.js';
import { roomAppend } from './room-writes.js';
import type { Db } from './statements.js';
import { block, ensureUser, setContacts, upsertUser } from './user-writes.js';

/** Applies a batch's operations inside its transaction, one by one (the reference path). */
export async function applyEach(db: Db, ops: readonly WriteOp[]): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const op of ops) results.push(await apply(db, op));
  return results;
}

type AppendOp = Extract<WriteOp, { kind: 'append' }>;
type ConfirmOp = Extract<WriteOp, { kind: 'confirm' }>;

/**
 * The same, in order, but a run of consecutive appends (split where an id repeats) or of
 * consecutive confirms is applied set-based (`batch-writes.ts`); any other operation ends a run. A
 * reserve is one statement there too.
 */
export async function applyRuns(db: Db, ops: readonly WriteOp[]): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  let i = 0;
  while (i < ops.length) {
    const op = ops[i]!;
    if (op.kind === 'append') {
      const run: AppendOp[] = [op];
      const ids = new Set([op.msgId]);
      for (let next = ops[i + run.length]; next?.kind === 'append' && !ids.has(next.msgId); ) {
        run.push(next);
        ids.add(next.msgId);
        next = ops[i + run.length];
      }
      results.push(...(await appendRun(db, run)));
      i += run.length;
    } else if (op.kind === 'confirm') {
      const run: ConfirmOp[] = [op];
      for (let next = ops[i + run.length]; next?.kind === 'confirm'; next = ops[i + run.length])
        run.push(next);
      results.push(...(await confirmRun(db, run)));
      i += run.length;
    } else {
      results.push(await (op.kind === 'reserve' ? reserveAtOnce(db, op) : apply(db, op)));
      i++;
    }
  }
  return results;
}

function apply(db: Db, op: WriteOp): Promise<WriteResult> {
  switch (op.kind) {
    case 'ensureUser':
      return ensureUser(db, op);
    case 'upsertUser':
      return upsertUser(db, op);
    case 'setContacts':
      return setContacts(db, op);
    case 'block':
      return block(db, op);
    case 'reserve':
      return reserve(db, op);
    case 'chargeUpload':
      return chargeUpload(db, op);
    case 'refundUpload':
      return refundUpload(db, op);
    case 'purgeReservations':
      return purgeReservations(db, op);
    case 'purgeNotices':
      return purgeNotices(db, op);
    case 'append':
      return append(db, op);
    case 'confirm':
      return confirm(db, op);
    case 'confirmThrough':
      return confirmThrough(db, op);
    case 'read':
      return read(db, op);
    case 'noticeDone':
      return noticeDone(db, op);
    case 'recall':
      return recall(db, op);
    case 'friendRequest':
      return friendRequest(db, op);
    case 'friendResponse':
      return friendResponse(db, op);
    case 'unfriend':
      return unfriend(db, op);
    case 'roomAppend':
      return roomAppend(db, op);
    case 'createGroup':
      return createGroup(db, op);
    case 'changeGroup':
      return changeGroup(db, op);
    case 'groupConfirm':
      return groupConfirm(db, op);
    case 'groupRead':
      return groupRead(db, op);
    case 'groupRecall':
      return groupRecall(db, op);
    case 'presence':
      return Promise.resolve(null);
    case 'revokeTokens':
    case 'eraseMessage':
    case 'deleteUser':
    case 'expireMessages':
    case 'expirePending':
    case 'recordFile':
    case 'dropFiles':
      return applyAdmin(db, op);
  }
}
