import type {
  ChatMsg,
  HistoryEntry,
  MessageDelivery,
  RecallNotice,
  StatusNotice,
  TimeFormatter,
} from '@parley/protocol';
import { formatMsgId } from '@parley/protocol';
import type { MessageDelivery as BusMessage, RecallDelivery } from '../bus/bus.js';
import type { StoredMessage, TimelineEntry } from '../store/store.js';

/** Turns stored records into wire frames; `seq` is given for a message its reader received. */
export function chatMsgOf(m: StoredMessage, time: TimeFormatter, seq?: number): ChatMsg {
  const chatMsg: ChatMsg = {
    id: formatMsgId(m.msgId),
    type: m.type,
    message: m.body,
    status: m.status,
    time: time(m.timeMs),
    ts: m.timeMs,
  };
  if (seq !== undefined) chatMsg.seq = seq;
  if (m.recalled) chatMsg.recalled = true;
  return chatMsg;
}

/** A message as its recipient gets it, with its position in the recipient's timeline. */
export function deliveryFrame(m: TimelineEntry, time: TimeFormatter): string {
  const frame: MessageDelivery = {
    action: '3',
    fromId: m.fromId,
    toId: m.toId,
    chatMsg: chatMsgOf(m, time, m.seq),
  };
  return JSON.stringify(frame);
}

/** A history entry for `readerId`: received messages carry their `seq` (the reader's position). */
export function historyEntry(m: TimelineEntry, readerId: string, time: TimeFormatter): HistoryEntry {
  const seq = m.toId === readerId ? m.seq : undefined;
  return { fromId: m.fromId, toId: m.toId, chatMsg: chatMsgOf(m, time, seq) };
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

/** A stored message received by `userId`, as sent to its connections: the message, or its recall. */
export function entryDelivery(
  m: TimelineEntry,
  userId: string,
  time: TimeFormatter,
): BusMessage | RecallDelivery {
  return m.recalled
    ? { kind: 'recall', userId, seq: m.seq, frame: recallFrame(m) }
    : { kind: 'message', userId, seq: m.seq, frame: deliveryFrame(m, time) };
}
