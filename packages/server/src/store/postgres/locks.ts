import type { WriteOp } from '../store.js';

/**
 * The users whose rows a batch locks before it applies anything: every user an operation reads a
 * rule's facts about or writes a per-user counter of (timeline heads, pending counts, reservations,
 * waiting friend requests, contact lists, notices). Sorted and unique. Upload owners are not users
 * (they may be addresses): a charge is one conditional upsert and needs no lock. A sweep of
 * reservations locks nobody (it skips rows others hold).
 */
export function usersTouched(ops: readonly WriteOp[]): string[] {
  const ids = new Set<string>();
  for (const op of ops) {
    switch (op.kind) {
      case 'ensureUser':
      case 'upsertUser':
      case 'setContacts':
      case 'reserve':
      case 'confirm':
      case 'confirmThrough':
      case 'noticeDone':
        ids.add(op.userId);
        break;
      case 'append':
        ids.add(op.fromId).add(op.toId);
        break;
      case 'read':
        ids.add(op.readerId).add(op.senderId);
        break;
      case 'recall':
      case 'unfriend':
        ids.add(op.userId).add(op.peerId);
        break;
      case 'friendRequest':
        ids.add(op.fromId).add(op.toId);
        break;
      case 'friendResponse':
        ids.add(op.responderId).add(op.requesterId);
        break;
      case 'chargeUpload':
      case 'refundUpload':
      case 'purgeReservations':
        break;
    }
  }
  // the database orders the locks too; sorting here keeps the parameter stable for logs and tests
  return [...ids].sort();
}
