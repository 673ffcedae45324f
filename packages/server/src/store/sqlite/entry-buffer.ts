import { EntryChunk, UserIndex } from './entry-chunk.js';
import type { Statements, TimelineLinkRow } from './statements.js';

/** Users are spread over this many chunks; one chunk is written every ENTRY_CHUNK_MS ... */
export const ENTRY_CHUNKS = 200;
/** ... so a user's entries are held about ENTRY_CHUNKS × ENTRY_CHUNK_MS = one second. */
export const ENTRY_CHUNK_MS = 5;
/** While this many entries are held, every batch writes the next chunk, due or not. */
export const HOLD_MAX_ENTRIES = 65536;
/**
 * A batch writes at most this many chunks, unless it is a quarter of the round behind: after a
 * pause of the writer (a timed write of the held rows, a checkpoint), the chunks due meanwhile are
 * spread over the next batches instead of making the first of them long too.
 */
const CHUNKS_PER_BATCH = 2;

/** The user numbers are dropped once this many are known and nothing is held. */
const MAX_USERS = 100_000;

/**
 * The timeline entries of 1:1 messages, held in memory and written a user at a time (when:
 * held-writes.ts). Written with each message, a user's entry dirtied a leaf page of `user_timeline`
 * of its own in every commit; held for a second, the seven or so entries a busy user gets in that
 * time go onto its page in one write, and a checkpoint copies the page once (docs/benchmarks.md,
 * twenty-first pass). Users are hashed into ENTRY_CHUNKS chunks, and the batches write one chunk
 * every ENTRY_CHUNK_MS (`writeDue`), sorted by user, so no commit writes them all at once (the hold
 * timer's write too: all chunks are due by then only on a quiet server); every write of all held
 * rows (before a read of the store, before an operation not of the message path, at close) writes
 * them all.
 *
 * A user's held entries are always newer than its written ones: a chunk write, `flushUser` and
 * `flush` write all of a user's entries. Inside the writer, the lookups of an entry (`find`) and of
 * a user's last position (`headOf`) look here first. A chunk holds numbers only (entry-chunk.ts).
 *
 * The message rows are the record: each carries its positions in both timelines and the links of
 * both entries (`to_prev`, `from_prev`), so after a crash the store puts back the entries the
 * database is missing from the messages stored since `meta.conv_held_ms`, which the held entries
 * keep low (`earliestMs`, passed to `ConversationBuffer.mark`), before it folds them into the
 * conversation rows (held-recovery.ts).
 *
 * A batch that rolls back undoes its own changes (`undo`, in reverse).
 */
export class EntryBuffer {
  private readonly chunks = Array.from({ length: ENTRY_CHUNKS }, () => new EntryChunk());
  private users = new UserIndex();
  private count = 0;
  /** The chunk the next `writeDue` writes, and when the last one was written (`performance.now()`). */
  private next = 0;
  private lastWriteMs = performance.now();
  private undo: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  /** The earliest time of a held entry's message, or earlier; Infinity when none is held. */
  get earliestMs(): number {
    let min = Infinity;
    for (const c of this.chunks) if (c.size > 0 && c.minMs < min) min = c.minMs;
    return min;
  }

  /** An entry of the user's timeline, at its next position (`seq`, above every held and written one). */
  add(
    userId: string,
    seq: number,
    msgId: number,
    peerId: string,
    incoming: 0 | 1,
    prevSeq: number,
    timeMs: number,
  ): void {
    const chunk = this.chunks[chunkOf(userId)]!;
    chunk.add(this.users.of(userId), seq, msgId, this.users.of(peerId), incoming, prevSeq, timeMs);
    this.count++;
    this.undo.push(() => {
      chunk.dropLast();
      this.count--;
    });
  }

  /** The user's held entry of a message, if it is held. */
  find(userId: string, msgId: number): TimelineLinkRow | undefined {
    const user = this.users.known(userId);
    return user === undefined ? undefined : this.chunks[chunkOf(userId)]!.find(user, msgId, this.users);
  }

  /** The user's last held position, or 0. */
  headOf(userId: string): number {
    const user = this.users.known(userId);
    return user === undefined ? 0 : this.chunks[chunkOf(userId)]!.lastSeq(user);
  }

  /** Writes the user's held entries (inside the transaction), for an operation that walks its timeline. */
  flushUser(sql: Statements, userId: string): void {
    const user = this.users.known(userId);
    const k = chunkOf(userId);
    // a reader with nothing held: the chunk is not copied
    if (user !== undefined && this.chunks[k]!.lastSeq(user) > 0) this.writeChunk(sql, k, user);
  }

  /**
   * Writes the chunks that are due (inside the transaction): one for every ENTRY_CHUNK_MS since the
   * last, at most CHUNKS_PER_BATCH unless far behind, and at most all of them; at least one while
   * HOLD_MAX_ENTRIES are held (a rate so high that a second's entries would take too much memory:
   * they are then held for less).
   */
  writeDue(sql: Statements, nowMs: number): void {
    const behind = this.behind(nowMs);
    const timed = behind >= ENTRY_CHUNKS / 4 ? behind : Math.min(behind, CHUNKS_PER_BATCH);
    const due = timed === 0 && this.count >= HOLD_MAX_ENTRIES ? 1 : timed;
    if (due === 0) return;
    const { next, lastWriteMs } = this;
    for (let i = 0; i < due; i++) this.writeChunk(sql, (next + i) % ENTRY_CHUNKS);
    this.next = (next + due) % ENTRY_CHUNKS;
    // after a long pause the count starts again from now
    this.lastWriteMs = timed === ENTRY_CHUNKS ? nowMs : lastWriteMs + timed * ENTRY_CHUNK_MS;
    this.undo.push(() => {
      this.next = next;
      this.lastWriteMs = lastWriteMs;
    });
  }

  /** How many chunks are due by the clock, at most all of them. */
  private behind(nowMs: number): number {
    return Math.min(ENTRY_CHUNKS, Math.floor((nowMs - this.lastWriteMs) / ENTRY_CHUNK_MS));
  }

  /** Writes every held entry (inside the transaction). */
  flush(sql: Statements): void {
    if (this.count === 0) return;
    for (let k = 0; k < ENTRY_CHUNKS; k++) this.writeChunk(sql, k);
  }

  /** The transaction committed. */
  committed(): void {
    this.undo = [];
    if (this.count === 0 && this.users.size > MAX_USERS) this.users = new UserIndex();
  }

  /** The transaction rolled back: its changes are undone. */
  rolledBack(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!();
    this.undo = [];
  }

  /** Writes a chunk's entries, or one user's of it, and holds what is left in a new chunk. */
  private writeChunk(sql: Statements, k: number, user?: number): void {
    const chunk = this.chunks[k]!;
    if (chunk.size === 0) return;
    const { kept, written } = chunk.write(sql, this.users, user);
    if (written === 0) return;
    this.chunks[k] = kept;
    this.count -= written;
    // undone in reverse, so the chunk is `kept` again by then
    this.undo.push(() => {
      this.chunks[k] = chunk;
      this.count += written;
    });
  }
}

/** The chunk of a user: a hash of its id (FNV-1a). */
export function chunkOf(userId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) h = Math.imul(h ^ userId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % ENTRY_CHUNKS;
}
