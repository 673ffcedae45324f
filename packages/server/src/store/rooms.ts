import type { MsgTypeCode } from '@parley/protocol';
import type { NewMessage } from './store.js';

/**
 * Chat rooms in the store: each room keeps only its recent window, the newest messages posted to
 * it (`keep` of them, trimmed in the transaction that appends). Nothing per member is stored.
 */

/** A message of a room's recent window; `toId` is the room. */
export interface RoomMessage {
  msgId: number;
  fromId: string;
  toId: string;
  type: MsgTypeCode;
  body: string;
  timeMs: number;
  /**
   * Its position in the room, assigned in the storing transaction (in commit order per room, also
   * with several writers). Not on the wire: a connection that joins drops live copies of what its
   * recent window already held.
   */
  seq: number;
}

export type RoomAppendResult =
  | { outcome: 'stored'; message: RoomMessage }
  | { outcome: 'retry'; message: RoomMessage }
  | { outcome: 'duplicate' }
  | { outcome: 'bad_id' }
  | { outcome: 'expired_id' };

/** The room write operations (part of `WriteOps`). */
export interface RoomWriteOps {
  /**
   * Stores a message to the room `toId` in its recent window, taking the sender's reservation of the
   * id as `append` does (the same retry, duplicate, bad and expired id rules), then drops the
   * room's messages older than the newest `keep`. A retry of a message already in the window is
   * `retry` with the stored message; one that was trimmed away meanwhile is `expired_id`.
   */
  roomAppend: { op: NewMessage & { validFromMs: number; keep: number }; result: RoomAppendResult };
}

/** The room reads (part of `Store`). */
export interface RoomReads {
  /** The newest `limit` messages of the room's recent window, oldest first. */
  roomRecent(roomId: string, limit: number): Promise<RoomMessage[]>;
}
