import { describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { WriteOp, WriteResult } from '../../src/store/store.js';
import { rng } from '../helpers/fuzz-frames.js';
import { freshSchema, pgQuery, pgStore } from '../helpers/postgres.js';

/**
 * The set-based runs of appends and confirms (`batch-writes.ts`) against the per-op functions
 * (`batchRuns: false`), the reference: the same random batches on two fresh schemas must give the
 * same results and leave the same rows. Seeded, so a failure names its seed and batch and repeats.
 */

/** The seeded generator (mulberry32) of the fuzz test. */
const prng = rng;

const USERS = ['a', 'b', 'c', 'd'];
/** `ghost` reserves ids without being a user; `x` appears only as a recipient or confirmer. */
const NOT_USERS = ['ghost', 'x'];
/** A group of a, b and c (d and the others are not members). */
const GROUP = '~g';

class Generator {
  private readonly rnd: () => number;
  /** Every id handed out so far, with its owner. */
  private readonly owners = new Map<number, string>();
  private maxId = 0;
  /** Ids reserved and not used yet, as far as the results tell. */
  private unused: number[] = [];
  /** Messages stored so far. */
  private stored: { msgId: number; fromId: string; toId: string }[] = [];
  t = 1_000;

  constructor(seed: number) {
    this.rnd = prng(seed);
  }

  private int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  private chance(p: number): boolean {
    return this.rnd() < p;
  }
  private user(): string {
    return this.chance(0.08) ? this.pick(NOT_USERS) : this.pick(USERS);
  }
  /** Mostly a recent id, sometimes an old one, one not handed out yet (a reserve of this batch may), or none. */
  private msgId(): number {
    if (this.chance(0.05)) return this.pick([0, -1, this.maxId + 50]);
    if (this.chance(0.15)) return this.maxId + 1 + this.int(6);
    if (this.maxId === 0) return 1 + this.int(6);
    return this.chance(0.7) ? Math.max(1, this.maxId - this.int(12)) : 1 + this.int(this.maxId);
  }

  learn(ops: readonly WriteOp[], results: readonly WriteResult[]): void {
    for (const [i, op] of ops.entries()) {
      const r = results[i] as { outcome?: string; ids?: number[] } | null;
      if (op.kind === 'reserve' && r?.ids) {
        for (const id of r.ids) {
          this.owners.set(id, op.userId);
          this.maxId = Math.max(this.maxId, id);
          this.unused.push(id);
        }
      }
      if (op.kind === 'append' && r?.outcome === 'stored') {
        this.stored.push({ msgId: op.msgId, fromId: op.fromId, toId: op.toId });
        this.unused = this.unused.filter((id) => id !== op.msgId);
      }
    }
    this.unused = this.unused.slice(-40);
  }

  /** A stored message, mostly a recent one. */
  private message(): { msgId: number; fromId: string; toId: string } | undefined {
    if (this.stored.length === 0) return undefined;
    return this.stored[this.stored.length - 1 - this.int(Math.min(this.stored.length, 30))];
  }

  private op(kind: WriteOp['kind']): WriteOp {
    const t = this.t;
    switch (kind) {
      case 'reserve':
        return {
          kind,
          userId: this.chance(0.1) ? 'ghost' : this.pick(USERS),
          count: 1 + this.int(4),
          nowMs: t,
          validFromMs: t - 80,
          maxOutstanding: 9,
        };
      case 'append': {
        const msgId = this.unused.length > 0 && this.chance(0.6) ? this.pick(this.unused) : this.msgId();
        const owner = this.owners.get(msgId);
        const fromId = owner !== undefined && this.chance(0.85) ? owner : this.user();
        const toId = this.chance(0.15) ? fromId : this.chance(0.15) ? GROUP : this.user();
        const bodies = ['hi', 'yo', 'x\u0000y', `m${msgId}`];
        const b = this.int(bodies.length);
        const body = bodies[b]!;
        return {
          kind,
          msgId,
          fromId,
          toId,
          type: this.pick([0, 1, 2] as const),
          body,
          timeMs: t,
          // sometimes every reservation older than now is expired
          validFromMs: this.chance(0.07) ? t - this.int(30) : 0,
          maxPending: this.pick([0, 2, 4, 8, 1000, 1000]),
        };
      }
      case 'confirm': {
        const m = this.chance(0.7) ? this.message() : undefined;
        // the recipient mostly, the sender sometimes (found only for a note to oneself)
        if (m) return { kind, userId: this.chance(0.85) ? m.toId : m.fromId, msgId: m.msgId };
        return { kind, userId: this.user(), msgId: this.msgId() };
      }
      case 'confirmThrough':
        return { kind, userId: this.user(), seq: this.int(20) };
      case 'read': {
        const m = this.chance(0.6) ? this.message() : undefined;
        if (m) return { kind, readerId: m.toId, senderId: m.fromId, msgId: m.msgId, notice: `read@${t}` };
        return {
          kind,
          readerId: this.user(),
          senderId: this.user(),
          msgId: this.msgId(),
          notice: `read@${t}`,
        };
      }
      case 'recall': {
        const m = this.chance(0.6) ? this.message() : undefined;
        if (m) {
          const notBeforeMs = this.chance(0.2) ? t - 20 : 0;
          return {
            kind,
            userId: m.fromId,
            peerId: m.toId,
            msgId: m.msgId,
            notBeforeMs,
            notice: `recall@${t}`,
          };
        }
        return {
          kind,
          userId: this.user(),
          peerId: this.user(),
          msgId: this.msgId(),
          notBeforeMs: this.chance(0.2) ? t - 20 : 0,
          notice: `recall@${t}`,
        };
      }
      default:
        return { kind: 'noticeDone', userId: this.user(), noticeId: 1 + this.int(20) };
    }
  }

  /** Runs of one kind (mostly appends and confirms), with repeats of the op before. */
  batch(): WriteOp[] {
    this.t += 1 + this.int(10);
    const ops: WriteOp[] = [];
    const runs = 1 + this.int(5);
    for (let r = 0; r < runs; r++) {
      const kind = this.pick([
        'append',
        'append',
        'append',
        'confirm',
        'confirm',
        'reserve',
        'read',
        'recall',
        'confirmThrough',
        'noticeDone',
      ] as const);
      const n = kind === 'append' || kind === 'confirm' ? 1 + this.int(8) : 1 + this.int(2);
      for (let k = 0; k < n; k++) {
        const last = ops.at(-1);
        ops.push(last?.kind === kind && this.chance(0.12) ? { ...last } : this.op(kind));
      }
    }
    return ops;
  }
}

/** Every row the write operations change, in key order. */
async function snapshot(schema: string): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => pgQuery(sql.replaceAll('$s', `"${schema}"`));
  return {
    users: await q('SELECT id, name, seq_head FROM $s.users ORDER BY id'),
    messages: await q('SELECT * FROM $s.messages ORDER BY msg_id'),
    timelines: await q('SELECT * FROM $s.user_timeline ORDER BY user_id, seq'),
    pending: await q('SELECT * FROM $s.pending ORDER BY user_id, seq'),
    pendingCounts: await q('SELECT * FROM $s.pending_counts ORDER BY user_id'),
    notices: await q('SELECT id, user_id, frame, done FROM $s.notices ORDER BY id'), // time_ms: the database's clock
    reservations: await q('SELECT * FROM $s.reservations ORDER BY msg_id'),
    conversations: await q('SELECT * FROM $s.conversations ORDER BY user_id, conv_id'),
    groups: await q('SELECT * FROM $s.groups ORDER BY id'),
    groupMembers: await q('SELECT * FROM $s.group_members ORDER BY group_id, user_id'),
    groupTimeline: await q('SELECT * FROM $s.group_timeline ORDER BY group_id, seq'),
    nextId: await q('SELECT last_value, is_called FROM $s.msg_ids'),
  };
}

async function compare(seed: number, batches: number): Promise<Map<string, number>> {
  const refSchema = freshSchema();
  const runSchema = freshSchema();
  const stores: [PostgresStore, PostgresStore] = [
    await pgStore(refSchema, { batchRuns: false }),
    await pgStore(runSchema),
  ];
  for (const s of stores) {
    await s.write(USERS.map((id) => ({ kind: 'upsertUser', userId: id, name: id, timeMs: 0 })));
    const group = {
      groupId: GROUP,
      name: 'G',
      ownerId: 'a',
      memberIds: ['b', 'c'],
      maxMembers: 9,
      timeMs: 0,
    };
    await s.write([{ kind: 'createGroup', ...group }]);
  }
  const gen = new Generator(seed);
  const outcomes = new Map<string, number>();
  for (let b = 0; b < batches; b++) {
    const ops = gen.batch();
    const [expected, actual] = await Promise.all(stores.map((s) => s.write(ops)));
    expect(actual, `seed ${seed} batch ${b}: ${JSON.stringify(ops)}`).toEqual(expected);
    gen.learn(ops, expected!);
    for (const [i, op] of ops.entries()) {
      const r = expected![i] as { outcome?: string; found?: boolean } | null;
      const key = `${op.kind} ${r?.outcome ?? (r?.found === undefined ? '-' : `found=${r.found}`)}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    if (b % 25 === 24 || b === batches - 1) {
      expect(await snapshot(runSchema), `seed ${seed} after batch ${b}`).toEqual(await snapshot(refSchema));
    }
  }
  return outcomes;
}

describe('PostgresStore set-based runs', () => {
  for (const seed of [1, 2, 3]) {
    it(`give what the per-op path gives, results and rows (seed ${seed})`, async () => {
      const outcomes = await compare(seed, 200);
      // the batches reached the outcomes that matter
      for (const key of [
        'append stored',
        'append retry',
        'append duplicate',
        'append bad_id',
        'append expired_id',
        'append unknown_user',
        'append recipient_full',
        'append not_member',
        'confirm found=true',
        'confirm found=false',
        'reserve reserved',
        'reserve too_many',
      ]) {
        expect(outcomes.get(key) ?? 0, `${key} in ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
      }
    }, 60_000);
  }
});

describe('PostgresStore set-based runs, one batch by hand', () => {
  it('appends ids reserved earlier in the batch, splits a run at a repeated id, finds a confirm twice', async () => {
    const schemas = [freshSchema(), freshSchema()];
    const stores = [await pgStore(schemas[0], { batchRuns: false }), await pgStore(schemas[1])];
    const append = (msgId: number, toId: string, body: string): WriteOp => ({
      kind: 'append',
      msgId,
      fromId: 'a',
      toId,
      type: 0,
      body,
      timeMs: 5,
      validFromMs: 0,
      maxPending: 1000,
    });
    const ops: WriteOp[] = [
      { kind: 'reserve', userId: 'a', count: 3, nowMs: 1, validFromMs: 0, maxOutstanding: 10 },
      append(1, 'b', 'one'),
      append(2, 'a', 'note'),
      append(1, 'b', 'one'), // the same again: a retry, after the first in op order
      append(3, 'b', 'three'),
      { kind: 'confirm', userId: 'b', msgId: 1 },
      { kind: 'confirm', userId: 'b', msgId: 1 },
      { kind: 'confirm', userId: 'a', msgId: 2 },
      { kind: 'confirm', userId: 'b', msgId: 2 },
      { kind: 'confirm', userId: 'a', msgId: 1 }, // the sender: not received
    ];
    const results = [];
    for (const s of stores) {
      await s.write(
        ['a', 'b'].map((id) => ({ kind: 'upsertUser', userId: id, name: id, timeMs: 0 }) as const),
      );
      results.push(await s.write(ops));
    }
    const message = (msgId: number, toId: string, body: string, seq: number) => ({
      seq,
      msgId,
      fromId: 'a',
      toId,
      type: 0,
      body,
      status: 1,
      timeMs: 5,
      recalled: false,
    });
    expect(results[1]).toEqual([
      { outcome: 'reserved', ids: [1, 2, 3] },
      { outcome: 'stored', message: message(1, 'b', 'one', 1), senderSeq: 1 },
      { outcome: 'stored', message: message(2, 'a', 'note', 2), senderSeq: 2 },
      { outcome: 'retry', message: message(1, 'b', 'one', 1), senderSeq: 1 },
      { outcome: 'stored', message: message(3, 'b', 'three', 2), senderSeq: 3 },
      { found: true },
      { found: true },
      { found: true },
      { found: false },
      { found: false },
    ]);
    expect(results[1]).toEqual(results[0]);
    expect(await stores[1]!.pendingMessages('b', 0, 10)).toEqual([message(3, 'b', 'three', 2)]);
    expect(await stores[1]!.pendingMessages('a', 0, 10)).toEqual([]);
    expect(await snapshot(schemas[1]!)).toEqual(await snapshot(schemas[0]!));
  });
});
