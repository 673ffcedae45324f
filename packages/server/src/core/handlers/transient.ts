import { ErrorCode, type MessageDelivery, type SendMessageFrame } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import type { Session } from '../session.js';

/**
 * A message with `"store": false` (B5): never written, delivered only to connections online now.
 * The sender gets status 1 once it went out, OFFLINE when nobody was there.
 */
export async function sendTransient(s: Session, f: SendMessageFrame): Promise<void> {
  const { ctx } = s;
  if (!(await ctx.isOnline(f.toId))) {
    throw new CoreError(ErrorCode.Offline, `${f.toId} is not online; transient messages are not stored`);
  }
  const now = ctx.clock.now();
  const time = ctx.time(now);
  const chatMsg = {
    id: f.chatMsg.id,
    type: f.chatMsg.type,
    message: f.chatMsg.message,
    status: 1 as const,
    time,
    ts: now,
  };
  const frame: MessageDelivery & { store: false } = {
    action: '3',
    fromId: f.fromId,
    toId: f.toId,
    chatMsg,
    store: false,
  };
  ctx.publish({ kind: 'transient', userId: f.toId, frame: JSON.stringify(frame) });
  s.reply({
    action: '4',
    fromId: f.toId,
    toId: f.fromId,
    chatMsg: { id: f.chatMsg.id, status: 1, time, ts: now },
  });
}
