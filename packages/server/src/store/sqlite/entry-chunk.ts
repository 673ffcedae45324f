import type { Statements, TimelineLinkRow } from './statements.js';

/** The fields of a held entry, in this order, in a chunk's `data`. */
const USER = 0;
const SEQ = 1;
const MSG = 2;
const PEER = 3;
const INCOMING = 4;
const PREV = 5;
const STRIDE = 6;

/**
 * Users' ids as numbers, for the held entries: a chunk stores numbers only, so the ids of a batch's
 * operations are not kept alive by the entries (entry-buffer.ts).
 */
export class UserIndex {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  of(userId: string): number {
    let n = this.ids.get(userId);
    if (n === undefined) {
      n = this.names.length;
      this.ids.set(userId, n);
      this.names.push(userId);
    }
    return n;
  }

  /** The number of a user that has one. */
  known(userId: string): number | undefined {
    return this.ids.get(userId);
  }

  name(n: number): string {
    return this.names[n]!;
  }

  get size(): number {
    return this.names.length;
  }
}

/**
 * The held timeline entries of one chunk of users (entry-buffer.ts), in the order they were added
 * (so each user's in the order of its positions), as numbers in one growing `Float64Array`. Held
 * entries live about a second: as objects they would outlive the young generation's collections,
 * be copied by each of them and then promoted, on the writer's thread; a typed array's contents are
 * neither. A chunk is replaced, never changed in place, by a write (`write` returns what it
 * keeps), so the batch that wrote it can put the old one back if it rolls back.
 */
export class EntryChunk {
  /** The earliest time of a message of an entry held here, or earlier (Infinity: none yet). */
  minMs = Infinity;
  private data = new Float64Array(16 * STRIDE);
  private n = 0;

  get size(): number {
    return this.n;
  }

  add(
    user: number,
    seq: number,
    msgId: number,
    peer: number,
    incoming: number,
    prevSeq: number,
    timeMs: number,
  ) {
    if ((this.n + 1) * STRIDE > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const at = this.n * STRIDE;
    const d = this.data;
    d[at + USER] = user;
    d[at + SEQ] = seq;
    d[at + MSG] = msgId;
    d[at + PEER] = peer;
    d[at + INCOMING] = incoming;
    d[at + PREV] = prevSeq;
    this.n++;
    if (timeMs < this.minMs) this.minMs = timeMs;
  }

  /** Drops the entry added last (an `add` undone). */
  dropLast(): void {
    this.n--;
  }

  /** The user's held entry of a message. */
  find(user: number, msgId: number, users: UserIndex): TimelineLinkRow | undefined {
    const d = this.data;
    for (let at = (this.n - 1) * STRIDE; at >= 0; at -= STRIDE) {
      if (d[at + USER] !== user || d[at + MSG] !== msgId) continue;
      return {
        seq: d[at + SEQ]!,
        incoming: d[at + INCOMING]!,
        peer_id: users.name(d[at + PEER]!),
        prev_seq: d[at + PREV]!,
      };
    }
    return undefined;
  }

  /** The user's last held position, or 0. */
  lastSeq(user: number): number {
    const d = this.data;
    for (let at = (this.n - 1) * STRIDE; at >= 0; at -= STRIDE)
      if (d[at + USER] === user) return d[at + SEQ]!;
    return 0;
  }

  /**
   * Writes the entries of `only` (a user's number), or all, sorted by user id and position, so
   * that neighbouring users share leaf pages; returns what stays held (a new chunk) and how many
   * were written.
   */
  write(sql: Statements, users: UserIndex, only?: number): { kept: EntryChunk; written: number } {
    const kept = new EntryChunk();
    const d = this.data;
    const out: number[] = [];
    for (let i = 0, at = 0; i < this.n; i++, at += STRIDE) {
      if (only === undefined || d[at + USER] === only) out.push(i);
      else
        kept.add(
          d[at + USER]!,
          d[at + SEQ]!,
          d[at + MSG]!,
          d[at + PEER]!,
          d[at + INCOMING]!,
          d[at + PREV]!,
          this.minMs,
        );
    }
    const nameOf = (i: number) => users.name(d[i * STRIDE + USER]!);
    if (only === undefined)
      out.sort((x, y) => (nameOf(x) < nameOf(y) ? -1 : nameOf(x) > nameOf(y) ? 1 : x - y));
    for (const i of out) {
      const at = i * STRIDE;
      sql.insertEntry.run(
        nameOf(i),
        d[at + SEQ]!,
        d[at + MSG]!,
        users.name(d[at + PEER]!),
        d[at + INCOMING]!,
        d[at + PREV]!,
      );
    }
    return { kept, written: out.length };
  }
}
