import { createHash } from 'node:crypto';
import { conversationKind, ErrorCode, parseMsgId, type SendMessageFrame } from '@parley/protocol';
import { blockedBy, CoreError } from '../core-error.js';
import { dismissed, notMember, unknownGroup } from '../groups/group-service.js';
import { reservationsValidFrom } from '../quotas.js';
import { postToRoom } from '../rooms/post.js';
import { screenedAppend } from '../screening.js';
import type { Session } from '../session.js';
import { ackFrame, deliveryFrame } from '../wire.js';
import { sendTransient } from './transient.js';

/**
 * Action 3: store, acknowledge (status 1) after commit, route to the recipient. Everything up to
 * the enqueue runs synchronously, so messages of one connection are committed in arrival order.
 */
export async function sendMessage(s: Session, f: SendMessageFrame): Promise<void> {
  if (conversationKind(f.toId) === 'room') return postToRoom(s, f);
  const { ctx } = s;
  const body = f.chatMsg.message;
  if (Buffer.byteLength(body, 'utf8') > ctx.config.maxMessageBytes) {
    throw new CoreError(ErrorCode.TooLarge, `chatMsg.message is over ${ctx.config.maxMessageBytes} bytes`);
  }
  if (f.store === false) return sendTransient(s, f);
  const msgId = parseMsgId(f.chatMsg.id);
  if (msgId === undefined)
    throw new CoreError(ErrorCode.BadMsgId, `${f.chatMsg.id} is not a message id from action 2`);
  const now = ctx.clock.now();
  const append = {
    kind: 'append' as const,
    validFromMs: reservationsValidFrom(ctx.config, now),
    maxPending: ctx.config.maxPendingMessages,
    msgId,
    fromId: f.fromId,
    toId: f.toId,
    type: f.chatMsg.type,
    body,
    digest: contentDigest(f.chatMsg.type, body),
    timeMs: now,
  };
  // with a message check, its write waits for the answer (and for the connection's earlier messages)
  const result = await (ctx.screen ? screenedAppend(s, append, ctx.screen) : ctx.write(append));
  switch (result.outcome) {
    case 'stored':
    case 'retry':
      if (result.outcome === 'stored') ctx.metrics.messageStored();
      s.reply(ackFrame(result.message, ctx.time));
      if (result.recipients) {
        // a group message: one entry of the group's timeline, to every member but this connection
        const entry = {
          kind: 'message' as const,
          groupId: f.toId,
          seq: result.message.seq,
          message: result.message,
        };
        ctx.groups.publish([entry], result.recipients, s.id);
        return;
      }
      // a retry is routed again too: its first publish may have died with the node that stored it,
      // and a connection that already has it drops the copy (it is not past its position)
      ctx.publish({
        kind: 'message',
        userId: f.toId,
        seq: result.message.seq,
        frame: deliveryFrame(result.message, ctx.time),
      });
      // the sender's other devices show it too, at its place in the sender's timeline
      if (result.senderSeq !== undefined && f.toId !== f.fromId) {
        const own = { ...result.message, seq: result.senderSeq };
        ctx.publish({
          kind: 'message',
          userId: f.fromId,
          seq: own.seq,
          frame: deliveryFrame(own, ctx.time),
          origin: s.id,
        });
      }
      return;
    case 'duplicate':
      throw new CoreError(ErrorCode.DuplicateId, `${f.chatMsg.id} was already used for another message`);
    case 'bad_id':
      throw new CoreError(ErrorCode.BadMsgId, `${f.chatMsg.id} is not reserved for ${f.fromId}`);
    case 'expired_id':
      throw new CoreError(
        ErrorCode.ExpiredMsgId,
        `${f.chatMsg.id} was reserved more than ${ctx.config.reservationTtlMs / 1000} s ago and is no longer valid: take a fresh id from action 2`,
      );
    case 'unknown_user':
      throw new CoreError(ErrorCode.UnknownUser, `no user ${f.toId}`);
    case 'unknown_group':
      throw unknownGroup(f.toId);
    case 'dismissed':
      throw dismissed(f.toId);
    case 'not_member':
      throw notMember(f.toId);
    case 'muted':
      throw new CoreError(ErrorCode.Muted, `you may not post in ${f.toId} now (muted)`);
    case 'blocked':
      throw blockedBy(f.toId);
    case 'recipient_full':
      throw new CoreError(
        ErrorCode.RecipientFull,
        `${f.toId} has ${ctx.config.maxPendingMessages} messages it has not received yet; try again later`,
      );
  }
}

function contentDigest(type: number, body: string): string {
  return createHash('sha256').update(`${type}\n${body}`).digest('base64url');
}
