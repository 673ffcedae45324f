import type {
  ChatMsg,
  HistoryEntry,
  MessageDelivery,
  RecallNotice,
  StatusNotice,
  TimeFormatter,
} from '@parley/protocol';
import { formatMsgId } from '@parley/protocol';
import type { StoredMessage } from '../store/store.js';

/** Turns stored records into wire frames. */
export function chatMsgOf(m: StoredMessage, time: TimeFormatter): ChatMsg {
  const chatMsg: ChatMsg = {
    id: formatMsgId(m.msgId),
    type: m.type,
    message: m.body,
    status: m.status,
    time: time(m.timeMs),
    ts: m.timeMs,
    seq: m.seq,
  };
  if (m.recalled) chatMsg.recalled = true;
  return chatMsg;
}

export function deliveryFrame(m: StoredMessage, time: TimeFormatter): string {
  const frame: MessageDelivery = { action: '3', fromId: m.fromId, toId: m.toId, chatMsg: chatMsgOf(m, time) };
  return JSON.stringify(frame);
}

export function historyEntry(m: StoredMessage, time: TimeFormatter): HistoryEntry {
  return { fromId: m.fromId, toId: m.toId, chatMsg: chatMsgOf(m, time) };
}

/** The acknowledgement to the sender: stored, unread. */
export function ackFrame(m: StoredMessage, time: TimeFormatter): StatusNotice {
  return {
    action: '4',
    fromId: m.toId,
    toId: m.fromId,
    chatMsg: { id: formatMsgId(m.msgId), status: 1, time: time(m.timeMs), ts: m.timeMs },
  };
}

/** The recall notice of a recalled message, as its recipient gets it. */
export function recallFrame(m: StoredMessage): string {
  const frame: RecallNotice = {
    action: '6',
    fromId: m.fromId,
    toId: m.toId,
    chatMsg: { id: formatMsgId(m.msgId) },
  };
  return JSON.stringify(frame);
}
