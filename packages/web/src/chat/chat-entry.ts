import type { HistoryEntry, MsgTypeCode, ReceivedMessage } from '@parley/client';

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
    ...((a.local ?? b.local) && { local: a.local ?? b.local }),
  };
}

/** Stored messages by server time; messages still sending after them, in the order they were written. */
export function compareEntries(a: ChatEntry, b: ChatEntry): number {
  const ta = a.ts ?? Number.POSITIVE_INFINITY;
  const tb = b.ts ?? Number.POSITIVE_INFINITY;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.order - b.order;
}
