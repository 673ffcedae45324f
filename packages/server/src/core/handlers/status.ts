import { ErrorCode, parseMsgId, type StatusFrame, type StatusNotice } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import type { Session } from '../session.js';

/**
 * Action 4 from a recipient: status 1 confirms receipt (the message stops being pending for it);
 * status 2 also marks it read and forwards the receipt to the sender, now or at its next connect.
 */
export async function updateStatus(s: Session, f: StatusFrame): Promise<void> {
  const { ctx } = s;
  const msgId = parseMsgId(f.chatMsg.id);
  // built only when needed: an Error captures a stack, too costly for every confirmation
  const notFound = () =>
    new CoreError(ErrorCode.NotFound, `no message ${f.chatMsg.id} from ${f.toId} to ${f.fromId}`);
  if (msgId === undefined) throw notFound();
  if (f.chatMsg.status === 1) {
    const { found } = await ctx.write({ kind: 'confirm', userId: f.fromId, msgId });
    if (!found) throw notFound();
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
  if (result.outcome === 'not_found') throw notFound();
  if (result.outcome === 'read')
    ctx.publish({ kind: 'notice', userId: f.toId, noticeId: result.noticeId, frame: notice });
}
