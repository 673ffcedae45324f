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
 * first row at or after its cutoff, so it reads at most that many ids past the cutoff (about
 * 0.03% as many rows as `messages` has). Kept in memory: when the last row was written. A batch
 * that rolls back may leave that ahead of the database, which only delays the next row.
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
