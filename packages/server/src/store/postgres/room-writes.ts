import type { RoomAppendResult, RoomMessage, RoomWriteOps } from '../rooms.js';
import { reuseOutcome, storedDigest } from '../rules.js';
import type { WriteOp } from '../store.js';
import { factsOf } from './rows.js';
import { type Db, SQL, type Stmt } from './statements.js';
import { fromDb, toDb } from './text.js';

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

function stmt<P extends unknown[] = [], R = never>(name: string, text: string): Stmt<P, R> {
  return { name: `parley_room_${name}`, text };
}

const ROOM_SQL = {
  /**
   * Creates the rooms a batch appends to and locks their rows, in id order (after the users):
   * appends to one room commit one batch after the other, so positions follow commit order, and
   * two batches never wait on each other's rooms in opposite orders.
   */
  lockRooms: stmt<[string[]], { id: string }>(
    'lock',
    `INSERT INTO rooms (id, head) SELECT id, 0 FROM unnest($1::text[]) AS r(id)
     ON CONFLICT (id) DO UPDATE SET head = rooms.head RETURNING id`,
  ),
  /**
   * The common case in one round trip: takes the sender's reservation of `$1`, and when it was made
   * at or after `$3`, stores the message at the room's next position and trims the window to the
   * newest `$9`. `reserved_ms` is null when there was no reservation, `seq` null when nothing was
   * stored. The room's row is locked for the batch (`lockRooms`).
   */
  append: stmt<
    [number, string, number, string, number, string, string, number, number],
    { reserved_ms: number | null; seq: number | null }
  >(
    'append',
    `WITH r AS (DELETE FROM reservations WHERE msg_id = $1 AND user_id = $2 RETURNING reserved_ms),
          h AS (UPDATE rooms SET head = head + 1
                WHERE id = $4 AND EXISTS (SELECT 1 FROM r WHERE reserved_ms >= $3) RETURNING head),
          i AS (INSERT INTO room_messages (${COLUMNS})
                SELECT $4::text, head, $1::bigint, $2::text, $5::smallint, $6::text, $7::text, $8::bigint
                FROM h RETURNING seq),
          d AS (DELETE FROM room_messages WHERE room_id = $4 AND seq <= (SELECT head FROM h) - $9::bigint)
     SELECT (SELECT reserved_ms FROM r) AS reserved_ms, (SELECT seq FROM i) AS seq`,
  ),
  byId: stmt<[number], RoomMessageRow>('by_id', `SELECT ${COLUMNS} FROM room_messages WHERE msg_id = $1`),
  /** Newest first: the caller reverses the page. */
  recent: stmt<[string, number], RoomMessageRow>(
    'recent',
    `SELECT ${COLUMNS} FROM room_messages WHERE room_id = $1 ORDER BY seq DESC LIMIT $2`,
  ),
};

/** Locks the rows of the rooms the batch appends to (creating them), sorted; nothing without any. */
export async function lockRooms(db: Db, ops: readonly WriteOp[]): Promise<void> {
  const rooms = new Set<string>();
  for (const op of ops) if (op.kind === 'roomAppend') rooms.add(op.toId);
  if (rooms.size > 0) await db.all(ROOM_SQL.lockRooms, [...rooms].sort());
}

function toRoomMessage(r: RoomMessageRow): RoomMessage {
  return {
    msgId: r.msg_id,
    fromId: r.from_id,
    toId: r.room_id,
    type: r.type as RoomMessage['type'],
    body: fromDb(r.body),
    timeMs: r.time_ms,
    seq: r.seq,
  };
}

type RoomAppendOp = RoomWriteOps['roomAppend']['op'];

/** `roomAppend`, inside the batch transaction, with the room's row locked (`lockRooms`). */
export async function roomAppend(db: Db, m: RoomAppendOp): Promise<RoomAppendResult> {
  const row = (await db.get(
    ROOM_SQL.append,
    m.msgId,
    m.fromId,
    m.validFromMs,
    m.toId,
    m.type,
    toDb(m.body),
    storedDigest(m),
    m.timeMs,
    m.keep,
  ))!;
  if (row.reserved_ms === null) return reused(db, m);
  if (row.seq === null) return { outcome: 'expired_id' }; // and the reservation is gone now
  const { msgId, fromId, toId, type, body, timeMs } = m;
  return { outcome: 'stored', message: { msgId, fromId, toId, type, body, timeMs, seq: row.seq } };
}

/** An id not (or no longer) reserved for the sender: a retry, a reuse (in a room or not), or not its id. */
async function reused(db: Db, m: RoomAppendOp): Promise<RoomAppendResult> {
  const inRoom = await db.get(ROOM_SQL.byId, m.msgId);
  const facts = inRoom
    ? {
        fromId: inRoom.from_id,
        toId: inRoom.room_id,
        type: inRoom.type,
        body: fromDb(inRoom.body),
        digest: inRoom.digest,
        timeMs: inRoom.time_ms,
        recalled: false,
      }
    : factsOf(await db.get(SQL.messageById, m.msgId));
  const expired =
    !facts &&
    m.msgId > 0 &&
    m.msgId < (await db.get(SQL.nextIdValue))!.value &&
    !(await db.get(SQL.isReserved, m.msgId));
  const outcome = reuseOutcome(facts, m, { expired });
  if (outcome !== 'retry') return { outcome };
  return inRoom ? { outcome: 'retry', message: toRoomMessage(inRoom) } : { outcome: 'bad_id' };
}

/** The newest `limit` messages of a room, oldest first. */
export async function roomRecent(db: Db, roomId: string, limit: number): Promise<RoomMessage[]> {
  return (await db.all(ROOM_SQL.recent, roomId, limit)).reverse().map(toRoomMessage);
}
