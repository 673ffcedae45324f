import { conversationKind, ErrorCode, parseMsgId, type SendMessageFrame } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import { appendMessage, checkMessageSize, routeMessage } from '../messages.js';
import { postToRoom } from '../rooms/post.js';
import { screenedAppend } from '../screening.js';
import type { Session } from '../session.js';
import { ackFrame } from '../wire.js';
import { sendTransient } from './transient.js';

/**
 * Action 3: store, acknowledge (status 1) after commit, route to the recipient. Everything up to
 * the enqueue runs synchronously, so messages of one connection are committed in arrival order.
 */
export async function sendMessage(s: Session, f: SendMessageFrame): Promise<void> {
  if (conversationKind(f.toId) === 'room') return postToRoom(s, f);
  const { ctx } = s;
  const body = f.chatMsg.message;
  checkMessageSize(ctx, body);
  if (f.store === false) return sendTransient(s, f);
  const msgId = parseMsgId(f.chatMsg.id);
  if (msgId === undefined)
    throw new CoreError(ErrorCode.BadMsgId, `${f.chatMsg.id} is not a message id from action 2`);
  const screen = ctx.screen;
  const stored = await appendMessage(
    ctx,
    { msgId, idText: f.chatMsg.id, fromId: f.fromId, toId: f.toId, type: f.chatMsg.type, body },
    // with a message check, its write waits for the answer (and for the connection's earlier messages)
    screen && ((op) => screenedAppend(s, op, screen)),
  );
  s.replyText(ackFrame(stored.message, ctx.time));
  routeMessage(ctx, stored, s.id);
}
