import {
  type ChatMsg,
  formatMsgId,
  type HistoryEntry,
  type MessageDelivery,
  type StatusNotice,
  type TimeFormatter,
} from '@parley/protocol';
import type { RoomMessage } from '../../store/rooms.js';

/** Room messages as frames: like 1:1 messages, `toId` the room, and no `seq` (nothing to sync). */
export function roomChatMsg(m: RoomMessage, time: TimeFormatter): ChatMsg {
  return {
    id: formatMsgId(m.msgId),
    type: m.type,
    message: m.body,
    status: 1,
    time: time(m.timeMs),
    ts: m.timeMs,
  };
}

/** A room message as the room's other connections get it, serialized once for all of them. */
export function roomDeliveryFrame(m: RoomMessage, time: TimeFormatter): string {
  const frame: MessageDelivery = {
    action: '3',
    fromId: m.fromId,
    toId: m.toId,
    chatMsg: roomChatMsg(m, time),
  };
  return JSON.stringify(frame);
}

/** An entry of the recent window in the join reply. */
export function roomEntry(m: RoomMessage, time: TimeFormatter): HistoryEntry {
  return { fromId: m.fromId, toId: m.toId, chatMsg: roomChatMsg(m, time) };
}

/** The acknowledgement to the sender (the same frame as for 1:1, `fromId` the room). */
export function roomAckFrame(m: RoomMessage, time: TimeFormatter): StatusNotice {
  return {
    action: '4',
    fromId: m.toId,
    toId: m.fromId,
    chatMsg: { id: formatMsgId(m.msgId), status: 1, time: time(m.timeMs), ts: m.timeMs },
  };
}
