import type { MessageFacts } from '../rules.js';
import type { StoredMessage, TimelineEntry } from '../store.js';
import type { EntryRow, MessageRow } from './statements.js';

export function toMessage(r: MessageRow): StoredMessage {
  return {
    msgId: r.msg_id,
    fromId: r.from_id,
    toId: r.to_id,
    type: r.type as StoredMessage['type'],
    body: r.body,
    status: r.status as StoredMessage['status'],
    timeMs: r.time_ms,
    recalled: r.recalled === 1,
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
      body: r.body,
      digest: r.digest,
      timeMs: r.time_ms,
      recalled: r.recalled === 1,
    }
  );
}
