import type Database from 'better-sqlite3';
import type { RoomAppendResult, RoomMessage, RoomWriteOps } from '../rooms.js';
import { reuseOutcome, storedDigest } from '../rules.js';
import type { NewMessage } from '../store.js';
import { isReserved, reservationOf, useReservation } from './id-ranges.js';
import type { Stmt } from './prep.js';
import { factsOf } from './rows.js';
import type { Statements } from './statements.js';

interface RoomMessageRow {
  room_id: string;
  seq: number;
  msg_id: number;
  from_id: string;
  type: number;
  body: string;
  digest: string;
  time_ms: number;
}

const COLUMNS = 'room_id, seq, msg_id, from_id, type, body, digest, time_ms';

function prepareRoomStatements(db: Database.Database) {
  const prep = <P extends unknown[] = [], R = unknown>(sql: string): Stmt<P, R> => db.prepare<P, R>(sql);
  return {
    /** The room's next position (the room is created by its first message). */
    nextSeq: prep<[string], { seq: number }>(
      `INSERT INTO rooms (id, head) VALUES (?, 1)
       ON CONFLICT (id) DO UPDATE SET head = head + 1 RETURNING head AS seq`,
    ),
    insert: prep<[string, number, number, string, number, string, string, number]>(
      `INSERT INTO room_messages (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    trim: prep<[string, number]>('DELETE FROM room_messages WHERE room_id = ? AND seq <= ?'),
    byId: prep<[number], RoomMessageRow>(`SELECT ${COLUMNS} FROM room_messages WHERE msg_id = ?`),
    /** Newest first: the caller reverses the page. */
    recent: prep<[string, number], RoomMessageRow>(
      `SELECT ${COLUMNS} FROM room_messages WHERE room_id = ? ORDER BY seq DESC LIMIT ?`,
    ),
  };
}

type RoomStatements = ReturnType<typeof prepareRoomStatements>;

/** Prepared once per database, after its migrations ran (the store opens one database). */
const prepared = new WeakMap<Database.Database, RoomStatements>();

function statementsOf(db: Database.Database): RoomStatements {
  let s = prepared.get(db);
  if (!s) {
    s = prepareRoomStatements(db);
    prepared.set(db, s);
  }
  return s;
}

function toRoomMessage(r: RoomMessageRow): RoomMessage {
  return {
    msgId: r.msg_id,
    fromId: r.from_id,
    toId: r.room_id,
    type: r.type as RoomMessage['type'],
    body: r.body,
    timeMs: r.time_ms,
    seq: r.seq,
  };
}

/** `roomAppend`, inside the batch transaction. */
export function roomAppend(
  db: Database.Database,
  sql: Statements,
  m: RoomWriteOps['roomAppend']['op'],
): RoomAppendResult {
  const room = statementsOf(db);
  const range = reservationOf(sql, m.msgId, m.fromId);
  if (range === undefined) return reused(sql, room, m);
  useReservation(sql, range, m.msgId); // used, or gone when it expired
  if (range.reserved_ms < m.validFromMs) return { outcome: 'expired_id' };
  const seq = room.nextSeq.get(m.toId)!.seq;
  room.insert.run(m.toId, seq, m.msgId, m.fromId, m.type, m.body, storedDigest(m), m.timeMs);
  if (seq > m.keep) room.trim.run(m.toId, seq - m.keep);
  const { msgId, fromId, toId, type, body, timeMs } = m;
  return { outcome: 'stored', message: { msgId, fromId, toId, type, body, timeMs, seq } };
}

/** An id not (or no longer) reserved for the sender: a retry, a reuse (in a room or not), or not its id. */
function reused(sql: Statements, room: RoomStatements, m: NewMessage): RoomAppendResult {
  const inRoom = room.byId.get(m.msgId);
  const facts = inRoom
    ? {
        fromId: inRoom.from_id,
        toId: inRoom.room_id,
        type: inRoom.type,
        body: inRoom.body,
        digest: inRoom.digest,
        timeMs: inRoom.time_ms,
        recalled: false,
      }
    : factsOf(sql.messageById.get(m.msgId));
  const expired =
    !facts && m.msgId > 0 && m.msgId < sql.nextIdValue.get()!.value && !isReserved(sql, m.msgId);
  const outcome = reuseOutcome(facts, m, { expired });
  if (outcome !== 'retry') return { outcome };
  return inRoom ? { outcome: 'retry', message: toRoomMessage(inRoom) } : { outcome: 'bad_id' };
}

/** The newest `limit` messages of a room, oldest first. */
export function roomRecent(db: Database.Database, roomId: string, limit: number): RoomMessage[] {
  return statementsOf(db).recent.all(roomId, limit).reverse().map(toRoomMessage);
}
