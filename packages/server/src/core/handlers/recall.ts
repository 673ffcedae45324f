import { ErrorCode, isGroupId, parseMsgId, type RecallFrame, type RecallNotice } from '@parley/protocol';
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
  if (isGroupId(f.toId)) return groupRecall(s, f, msgId);
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
      throw recallExpired(ctx.config.recallWindowMs);
  }
}

const recallExpired = (windowMs: number) =>
  new CoreError(ErrorCode.RecallExpired, `messages can be recalled for ${windowMs / 1000} s`);

/** Recall in a group: an entry of its timeline, which every member gets (the sender's connections too). */
async function groupRecall(s: Session, f: RecallFrame, msgId: number): Promise<void> {
  const { ctx } = s;
  const now = ctx.clock.now();
  const r = await ctx.write({
    kind: 'groupRecall',
    groupId: f.toId,
    userId: f.fromId,
    msgId,
    notBeforeMs: now - ctx.config.recallWindowMs,
    timeMs: now,
  });
  switch (r.outcome) {
    case 'recalled':
      return ctx.groups.publish([r.entry], r.recipients);
    case 'already':
      return s.reply({ action: '6', fromId: f.fromId, toId: f.toId, chatMsg: { id: f.chatMsg.id } });
    case 'not_found':
      throw new CoreError(ErrorCode.NotFound, `no message ${f.chatMsg.id} in ${f.toId}`);
    case 'forbidden':
      throw new CoreError(ErrorCode.Forbidden, 'only the sender can recall a message');
    case 'expired':
      throw recallExpired(ctx.config.recallWindowMs);
  }
}
