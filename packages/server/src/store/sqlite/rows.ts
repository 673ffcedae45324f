import type { StoredMessage } from '../store.js';
import type { MessageRow } from './statements.js';

export function toMessage(r: MessageRow): StoredMessage {
  return {
    seq: r.seq,
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
