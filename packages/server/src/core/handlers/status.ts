import { ErrorCode, isGroupId, parseMsgId, type StatusFrame, type StatusNotice } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import type { Session } from '../session.js';

/**
 * Action 4 from a recipient: status 1 confirms receipt (the message stops being pending for it);
 * status 2 also marks it read and forwards the receipt to the sender, now or at its next connect.
 */
export async function updateStatus(s: Session, f: StatusFrame): Promise<void> {
  const { ctx } = s;
  const msgId = parseMsgId(f.chatMsg.id);
  if (msgId === undefined) throw notFound(f);
  if (isGroupId(f.toId)) return groupStatus(s, f, msgId);
  if (f.chatMsg.status === 1) {
    const { found } = await ctx.write({ kind: 'confirm', userId: f.fromId, msgId });
    if (!found) throw notFound(f);
    return;
  }
  const receipt: StatusNotice = {
    action: '4',
    fromId: f.fromId,
    toId: f.toId,
    chatMsg: { id: f.chatMsg.id, status: 2 },
  };
  const notice = JSON.stringify(receipt);
  const result = await ctx.write({
    kind: 'read',
    readerId: f.fromId,
    senderId: f.toId,
    msgId,
    notice,
  });
  if (result.outcome === 'not_found') throw notFound(f);
  if (result.outcome === 'read') {
    ctx.publish({ kind: 'notice', userId: f.toId, noticeId: result.noticeId, frame: notice });
    // the reader's other devices online now learn it was read here (offline ones: action 17's counts)
    ctx.publish({ kind: 'transient', userId: f.fromId, frame: notice, origin: s.id });
  }
}

/**
 * The refusal of a status for a message the user did not receive. Built only when needed (an Error
 * captures a stack) and by a plain function: a closure would be allocated for every confirmation.
 */
function notFound(f: StatusFrame): CoreError {
  return new CoreError(ErrorCode.NotFound, `no message ${f.chatMsg.id} from ${f.toId} to ${f.fromId}`);
}

/**
 * Action 4 on a group message: status 1, the member has the group's entries up to it; status 2,
 * it read up to it, and the sender's connections online now learn how many members have.
 */
async function groupStatus(s: Session, f: StatusFrame, msgId: number): Promise<void> {
  const { ctx } = s;
  const notFound = () => new CoreError(ErrorCode.NotFound, `no message ${f.chatMsg.id} in ${f.toId}`);
  if (f.chatMsg.status === 1) {
    const [seq, member] = await Promise.all([
      ctx.store.groupMessageSeq(f.toId, msgId),
      ctx.store.groupMember(f.toId, f.fromId),
    ]);
    if (seq === undefined || !member || seq <= member.joinedSeq) throw notFound();
    await ctx.write({ kind: 'groupConfirm', groupId: f.toId, userId: f.fromId, seq });
    return;
  }
  const r = await ctx.write({ kind: 'groupRead', groupId: f.toId, readerId: f.fromId, msgId });
  if (r.outcome === 'not_found') throw notFound();
  if (r.outcome !== 'read') return;
  // the reader's other devices online now: its read position in the group moved
  const own: StatusNotice = {
    action: '4',
    fromId: f.fromId,
    toId: f.toId,
    chatMsg: { id: f.chatMsg.id, status: 2 },
  };
  ctx.publish({ kind: 'transient', userId: f.fromId, frame: JSON.stringify(own), origin: s.id });
  if (r.senderId === f.fromId) return;
  const receipt: StatusNotice = {
    action: '4',
    fromId: f.fromId,
    toId: f.toId,
    chatMsg: { id: f.chatMsg.id, status: 2, readCount: r.readCount },
  };
  ctx.publish({ kind: 'transient', userId: r.senderId, frame: JSON.stringify(receipt) });
}
