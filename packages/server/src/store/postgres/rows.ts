import type { MessageFacts } from '../rules.js';
import type { StoredMessage, TimelineEntry } from '../store.js';
import { fromDb } from './text.js';

/** Rows as pg returns them (BIGINT columns are parsed to numbers by the store's type parser). */
export interface MessageRow {
  msg_id: number;
  from_id: string;
  to_id: string;
  type: number;
  body: string;
  digest: string;
  status: number;
  time_ms: number;
  recalled: boolean;
}

/** A message as a user's timeline has it: with the user's position. */
export interface EntryRow extends MessageRow {
  seq: number;
}

export interface FriendRequestRow {
  from_id: string;
  to_id: string;
  message: string;
  time_ms: number;
  status: number;
  answered_ms: number;
}

export function toMessage(r: MessageRow): StoredMessage {
  return {
    msgId: r.msg_id,
    fromId: r.from_id,
    toId: r.to_id,
    type: r.type as StoredMessage['type'],
    body: fromDb(r.body),
    status: r.status as StoredMessage['status'],
    timeMs: r.time_ms,
    recalled: r.recalled,
  };
}

export function toEntry(r: EntryRow): TimelineEntry {
  return { seq: r.seq, ...toMessage(r) };
}

export function factsOf(r: MessageRow | undefined): MessageFacts | undefined {
  return (
    r && {
      fromId: r.from_id,
      toId: r.to_id,
      type: r.type,
      body: fromDb(r.body),
      digest: r.digest,
      timeMs: r.time_ms,
      recalled: r.recalled,
    }
  );
}
