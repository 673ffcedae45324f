import { isGroupId } from '@parley/protocol';
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
      // the blocker: an append to it reads its blocks under this lock
      case 'block':
      // its webhook event, in order with the user's others
      case 'presence':
        ids.add(op.userId);
        break;
      case 'append':
        ids.add(op.fromId);
        if (!isGroupId(op.toId)) ids.add(op.toId);
        break;
      // an erase is a recall (both users of a 1:1 message); a deletion holds the user throughout
      case 'eraseMessage':
        ids.add(op.userId);
        if (!isGroupId(op.toId)) ids.add(op.toId);
        break;
      case 'deleteUser':
        ids.add(op.userId);
        break;
      // a member's delivered position: its confirmations run one at a time (see groupsTouched)
      case 'groupConfirm':
        ids.add(op.userId);
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
      case 'purgeNotices':
      // a revocation is one upsert; sweeps lock the users they delete rows of (skipping busy ones);
      // the file catalogue belongs to no user's counters
      case 'revokeTokens':
      case 'expireMessages':
      case 'expirePending':
      case 'recordFile':
      case 'dropFiles':
      // a group's rows, and its members' conversation rows for it, are guarded by the group's
      // lock (groupsTouched); only an account deletion removes a user (rare; a member added while
      // it runs may stay as a row of a user that is gone)
      case 'createGroup':
      case 'changeGroup':
      case 'groupRead':
      case 'groupRecall':
        break;
    }
  }
  // the database orders the locks too; sorting here keeps the parameter stable for logs and tests
  return [...ids].sort();
}

/**
 * The groups whose rows a batch locks, after the users' rows, in id order (`parley_lock_groups`):
 * exclusively when it writes the group (its position counter, members, timeline, or the members'
 * conversation rows of the group; a message to it also writes the sender's reservation, and the
 * sender's row is locked as for any append), shared when it only confirms deliveries. Every writer
 * of those rows holds the group's row so: batches that share a group run one after the other, and
 * since every batch takes all its locks up front in one order (users, then groups, each by id),
 * no two batches wait on each other in opposite orders. Confirmations of one group run side by
 * side: each writes only its member's row, which its user lock guards against the others.
 * A group being created has no row to lock yet: its insert serialises two creations of one id.
 */
export function groupsTouched(ops: readonly WriteOp[]): { ids: string[]; exclusive: boolean[] } {
  const groups = new Map<string, boolean>();
  const lock = (id: string, exclusive: boolean) => groups.set(id, exclusive || groups.get(id) === true);
  for (const op of ops) {
    switch (op.kind) {
      case 'append':
        if (isGroupId(op.toId)) lock(op.toId, true);
        break;
      case 'createGroup':
      case 'changeGroup':
      case 'groupRead':
      case 'groupRecall':
        lock(op.groupId, true);
        break;
      case 'groupConfirm':
        lock(op.groupId, false);
        break;
      case 'eraseMessage':
        if (isGroupId(op.toId)) lock(op.toId, true);
        break;
      default:
        break;
    }
  }
  const ids = [...groups.keys()].sort();
  return { ids, exclusive: ids.map((id) => groups.get(id)!) };
}
