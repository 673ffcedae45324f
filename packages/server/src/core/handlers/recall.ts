import { ErrorCode, parseMsgId, type RecallFrame, type RecallNotice } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import type { Session } from '../session.js';
import { echoAndNotify } from './notify.js';

/** Action 6 (B4): the sender erases its message within the recall window; the recipient is told. */
export async function recall(s: Session, f: RecallFrame): Promise<void> {
  const { ctx } = s;
  const notFound = () =>
    new CoreError(ErrorCode.NotFound, `no message ${f.chatMsg.id} from you to ${f.toId}`);
  const msgId = parseMsgId(f.chatMsg.id);
  if (msgId === undefined) throw notFound();
  const frame: RecallNotice = { action: '6', fromId: f.fromId, toId: f.toId, chatMsg: { id: f.chatMsg.id } };
  const notice = JSON.stringify(frame);
  const notBeforeMs = ctx.clock.now() - ctx.config.recallWindowMs;
  const r = await ctx.write({
    kind: 'recall',
    userId: f.fromId,
    peerId: f.toId,
    msgId,
    notBeforeMs,
    notice,
  });
  switch (r.outcome) {
    case 'recalled':
      return echoAndNotify(s, notice, f.toId, r.noticeId);
    case 'already':
      return s.replyText(notice);
    case 'not_found':
      throw notFound();
    case 'forbidden':
      throw new CoreError(ErrorCode.Forbidden, 'only the sender can recall a message');
    case 'expired':
      throw new CoreError(
        ErrorCode.RecallExpired,
        `messages can be recalled for ${ctx.config.recallWindowMs / 1000} s`,
      );
  }
}
