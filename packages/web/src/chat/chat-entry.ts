import {
  type GroupEvent,
  type GroupEventEntry,
  type HistoryEntry,
  isGroupId,
  type MsgTypeCode,
  type ReceivedMessage,
} from '@parley/client';

/** 0 sending (not acknowledged yet), 1 sent (stored), 2 read by the other side. */
export type DeliveryStatus = 0 | 1 | 2;

/** A file this page uploaded: its local copy shows at once, before and after the upload. */
export interface LocalFile {
  url: string;
  name: string;
  mime: string;
  size: number;
}

/** One message of a conversation, as the chat view shows it. */
export interface ChatEntry {
  /** Stable render key: the message id, or a local key until the outbox gave it an id. */
  key: string;
  id: string | undefined;
  fromId: string;
  toId: string;
  type: MsgTypeCode;
  message: string;
  status: DeliveryStatus;
  /** Why it was not sent (refused for good, or the upload failed). */
  failed?: string;
  /** Epoch ms, stamped by the server when it stored the message; unset while sending. */
  ts: number | undefined;
  recalled: boolean;
  local?: LocalFile;
  /** The position in a group's timeline (group entries from the server; not yet for one sent here). */
  seq?: number;
  /** A group's membership event, shown as a line of its own (no bubble, no id). */
  event?: GroupEvent;
  /** Arrival order on this page: breaks ties and orders messages not stored yet. */
  order: number;
}

let counter = 0;

export function nextOrder(): number {
  return ++counter;
}

/** An entry from history (action 12) or a live message (action 3). */
export function entryFrom(m: HistoryEntry | ReceivedMessage): ChatEntry {
  const c = m.chatMsg;
  return {
    key: c.id,
    id: c.id,
    fromId: m.fromId,
    toId: m.toId,
    type: c.type,
    message: c.recalled ? '' : c.message,
    status: c.status === 2 ? 2 : 1,
    ts: c.ts,
    recalled: c.recalled === true,
    ...(typeof c.seq === 'number' && isGroupId(m.toId) && { seq: c.seq }),
    order: nextOrder(),
  };
}

/** A group's membership event (action 16, or an event entry of its history), keyed by position. */
export function eventEntryFrom(e: GroupEventEntry): ChatEntry {
  return {
    key: `event:${e.event.seq}`,
    id: undefined,
    fromId: e.fromId,
    toId: e.toId,
    type: 0,
    message: '',
    status: 1,
    ts: e.event.ts,
    recalled: false,
    seq: e.event.seq,
    event: e.event,
    order: nextOrder(),
  };
}

/** Newer facts win: a higher status, a recall, the server's time. */
export function mergeEntries(a: ChatEntry, b: ChatEntry): ChatEntry {
  const recalled = a.recalled || b.recalled;
  return {
    ...a,
    id: a.id ?? b.id,
    status: Math.max(a.status, b.status) as DeliveryStatus,
    ts: a.ts ?? b.ts,
    recalled,
    message: recalled ? '' : a.message || b.message,
    ...((a.seq ?? b.seq) !== undefined && { seq: a.seq ?? b.seq }),
    ...((a.local ?? b.local) && { local: a.local ?? b.local }),
  };
}

/**
 * Stored messages by server time (a group's entries of the same millisecond by position);
 * messages still sending after them, in the order they were written.
 */
export function compareEntries(a: ChatEntry, b: ChatEntry): number {
  const ta = a.ts ?? Number.POSITIVE_INFINITY;
  const tb = b.ts ?? Number.POSITIVE_INFINITY;
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.seq !== undefined && b.seq !== undefined && a.seq !== b.seq) return a.seq - b.seq;
  return a.order - b.order;
}
