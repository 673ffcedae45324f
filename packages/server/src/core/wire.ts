import type { ChatMsg, HistoryEntry, RecallNotice, TimeFormatter } from '@parley/protocol';
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

/**
 * A message as its recipient gets it, at `seq` in the recipient's timeline (an entry's own by
 * default). Written out field by field, byte for byte what JSON.stringify gives for the frame
 * object (fields in `chatMsgOf`'s order): the strings go through `json`, the rest are integers.
 */
export function deliveryFrame(m: TimelineEntry, time: TimeFormatter, seq = m.seq): string {
  return (
    `{"action":"3","fromId":${json(m.fromId)},"toId":${json(m.toId)},"chatMsg":{"id":"${formatMsgId(m.msgId)}",` +
    `"type":${m.type},"message":${json(m.body)},"status":${m.status},"time":${timeJson(time(m.timeMs))},` +
    `"ts":${m.timeMs},"seq":${seq}${m.recalled ? ',"recalled":true}}' : '}}'}`
  );
}

/** A history entry for `readerId`: received messages carry their `seq` (the reader's position). */
export function historyEntry(m: TimelineEntry, readerId: string, time: TimeFormatter): HistoryEntry {
  const seq = m.toId === readerId ? m.seq : undefined;
  return { fromId: m.fromId, toId: m.toId, chatMsg: chatMsgOf(m, time, seq) };
}

/** The acknowledgement to the sender, serialized: stored, unread (`StatusNotice`, status 1). */
export function ackFrame(m: StoredMessage, time: TimeFormatter): string {
  return (
    `{"action":"4","fromId":${json(m.toId)},"toId":${json(m.fromId)},"chatMsg":{"id":"${formatMsgId(m.msgId)}",` +
    `"status":1,"time":${timeJson(time(m.timeMs))},"ts":${m.timeMs}}}`
  );
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

/**
 * The sender's own copy of a 1:1 message, for its other devices: serialized only when a connection
 * or another node reads `frame`. Mostly it reaches no one (the sending connection takes its position
 * without the frame, and most senders have no other connection), so most are never written.
 *
 * A class, so that `frame` is a getter on the prototype: an object literal with a getter costs a
 * closure per message and is slower to read. A copy made with spread syntax has no `frame` (nothing
 * on the delivery path copies deliveries; a bus reads `frame` like any other).
 */
export class OwnCopy implements BusMessage {
  readonly kind = 'message';
  readonly origin?: string;
  private text: string | undefined = undefined;

  constructor(
    readonly userId: string,
    readonly seq: number,
    private readonly m: TimelineEntry,
    private readonly time: TimeFormatter,
    origin: string | undefined,
  ) {
    if (origin !== undefined) this.origin = origin;
  }

  get frame(): string {
    if (this.text === undefined) this.text = deliveryFrame(this.m, this.time, this.seq);
    return this.text;
  }
}

/** A character JSON.stringify writes escaped (or a surrogate, lone or not: left to it too). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(s)`: most strings (ids, plain text) need no escape and are only quoted. */
function json(s: string): string {
  return ESCAPED.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** The last `time` written and its JSON: it changes once a second. */
let lastTime = '';
let lastTimeJson = '""';

function timeJson(t: string): string {
  if (t !== lastTime) {
    lastTimeJson = json(t);
    lastTime = t;
  }
  return lastTimeJson;
}
