import type { Statements } from './statements.js';

/** A new `id_clock` row after this many ids were handed out since the last one ... */
export const ID_CLOCK_IDS = 4096;
/** ... or after this long (a quiet server still gets rows to bound a sweep's reads by). */
export const ID_CLOCK_MS = 60_000;

/**
 * Where the id counter was at which time (id-clock-schema.ts), written by `reserve`: before it
 * hands out ids at `nowMs`, every message stored so far has an id below the counter, and every
 * message stored later has a time at or after `nowMs` (its id is reserved now or later), so the
 * pair (`nowMs`, counter) bounds the ids of the messages older than `nowMs`. A clock that goes
 * back leaves such a bound short by as much: a message stored then is swept that much later.
 *
 * A row every `ID_CLOCK_IDS` ids or `ID_CLOCK_MS`: the retention sweep reads the messages below the
 * first row at or after its cutoff, so past the cutoff it reads at most the messages of that many
 * ids (or of that minute), and the table holds a row per 4,096 messages at most. Kept in memory:
 * when the last row was written. A batch that rolls back may leave that ahead of the database,
 * which only delays the next row. Valid because a message's time is taken after its id's
 * reservation committed, so after every reserve operation queued before that one was made.
 */
export class IdClock {
  private lastMs = Number.NEGATIVE_INFINITY;
  private lastId = Number.NEGATIVE_INFINITY;

  /** Ids from `nextId` on are handed out at `nowMs` (inside the batch transaction). */
  handingOut(sql: Statements, nowMs: number, nextId: number): void {
    if (nextId - this.lastId < ID_CLOCK_IDS && Math.abs(nowMs - this.lastMs) < ID_CLOCK_MS) return;
    sql.recordIdClock.run(nowMs, nextId);
    this.lastMs = nowMs;
    this.lastId = nextId;
  }
}
