import { ErrorCode, type MessageDelivery, parseMsgId, type SendMessageFrame } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import { reservationsValidFrom } from '../quotas.js';
import type { Session } from '../session.js';
import { roomAckFrame, roomDeliveryFrame } from './room-wire.js';

/**
 * Action 3 to a room, from a connection in it: stored in the room's recent window, acknowledged
 * (status 1) after the commit, then sent to every other connection in the room on every node.
 * `store: false` skips the window. Nothing is pending for anyone: rooms have no offline delivery.
 */
export async function postToRoom(s: Session, f: SendMessageFrame): Promise<void> {
  const { ctx } = s;
  const room = f.toId;
  if (!ctx.rooms.has(s, room)) throw new CoreError(ErrorCode.NotMember, `join ${room} (action 18) first`);
  const body = f.chatMsg.message;
  if (Buffer.byteLength(body, 'utf8') > ctx.config.maxMessageBytes) {
    throw new CoreError(ErrorCode.TooLarge, `chatMsg.message is over ${ctx.config.maxMessageBytes} bytes`);
  }
  if (f.store === false) return postTransient(s, f);
  const msgId = parseMsgId(f.chatMsg.id);
  if (msgId === undefined)
    throw new CoreError(ErrorCode.BadMsgId, `${f.chatMsg.id} is not a message id from action 2`);
  const now = ctx.clock.now();
  const result = await ctx.write({
    kind: 'roomAppend',
    validFromMs: reservationsValidFrom(ctx.config, now),
    keep: ctx.config.roomRecentMessages,
    msgId,
    fromId: f.fromId,
    toId: room,
    type: f.chatMsg.type,
    body,
    timeMs: now,
  });
  switch (result.outcome) {
    case 'stored': {
      const m = result.message;
      s.reply(roomAckFrame(m, ctx.time));
      ctx.rooms.publish({ roomId: room, seq: m.seq, frame: roomDeliveryFrame(m, ctx.time) }, s);
      return;
    }
    case 'retry':
      // acknowledged again; the room had it the first time (those who join later see it in the window)
      s.reply(roomAckFrame(result.message, ctx.time));
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
  }
}

/** `store: false` to a room: to the room's other connections now, status 1 back (a room is never offline). */
function postTransient(s: Session, f: SendMessageFrame): void {
  const { ctx } = s;
  const now = ctx.clock.now();
  const time = ctx.time(now);
  const { id, type, message } = f.chatMsg;
  const frame: MessageDelivery = {
    action: '3',
    fromId: f.fromId,
    toId: f.toId,
    chatMsg: { id, type, message, status: 1, time, ts: now },
    store: false,
  };
  ctx.rooms.publish({ roomId: f.toId, frame: JSON.stringify(frame) }, s);
  s.reply({ action: '4', fromId: f.toId, toId: f.fromId, chatMsg: { id, status: 1, time, ts: now } });
}
