import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HOLD_MAX_MS } from '../../src/store/sqlite/conversation-buffer.js';
import {
  chunkOf,
  ENTRY_CHUNK_MS,
  ENTRY_CHUNKS,
  HOLD_MAX_ENTRIES,
} from '../../src/store/sqlite/entry-buffer.js';
import type { HeldRecovery } from '../../src/store/sqlite/held-recovery.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { AppendResult, WriteOp } from '../../src/store/store.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { crashImage, openStore, peek, user } from './held-rows-fixture.js';
import { appendOp, reserveIds } from './write-ops.js';

/**
 * The timeline entries of 1:1 messages are held in memory about a second and written a chunk of
 * users at a time (entry-buffer.ts); the writer finds them there, the store's reads write them
 * first, and a start after a crash puts them back from the message rows (held-recovery.ts).
 */

afterEach(() => {
  vi.useRealTimers();
});

const USERS = Array.from({ length: 12 }, (_, i) => `u${i}`);

/** Message n: from u(n mod 12) to u(5n + 1 mod 12), or a note to oneself every eleventh. */
function pairOf(n: number): [string, string] {
  const from = USERS[n % USERS.length]!;
  return [from, n % 11 === 10 ? from : USERS[(n * 5 + 1) % USERS.length]!];
}

/** The timeline entries messages `from` to `to` - 1 make: two each, one for a note to oneself. */
function entriesOf(from: number, to: number, users: (u: string) => boolean = () => true): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const [a, b] = pairOf(i);
    n += (users(a) ? 1 : 0) + (a !== b && users(b) ? 1 : 0);
  }
  return n;
}

/** A store with the twelve users and ids for each (the writer's clock faked first, if asked). */
async function started(dir = tempDir()) {
  const store = openStore(dir, { checkpointIntervalMs: 0 });
  await store.write(USERS.map(user));
  const free: Record<string, number[]> = {};
  for (const u of USERS) free[u] = await reserveIds(store, u, 60);
  const db = new Database(`${dir}/parley.db`, { readonly: true });
  onCleanup(() => db.close());
  const written = () => db.prepare('SELECT user_id FROM user_timeline').pluck().all() as string[];
  return { dir, store, free, written };
}

type Stored = Extract<AppendResult, { outcome: 'stored' }>;

/** Messages `from` to `to` - 1 (`pairOf`), in batches of three, at 1000 + n; their results. */
async function chat(store: SqliteStore, free: Record<string, number[]>, from: number, to: number) {
  const results: Stored[] = [];
  for (let n = from; n < to; ) {
    const ops: WriteOp[] = [];
    for (let i = 0; i < 3 && n < to; i++, n++) {
      const [a, b] = pairOf(n);
      ops.push(appendOp(free[a]!.shift()!, a, b, `m${n}`, 1000 + n));
    }
    for (const r of (await store.write(ops)) as Stored[]) {
      expect(r).toMatchObject({ outcome: 'stored' });
      results.push(r);
    }
  }
  return results;
}

/** Every user's timeline, head, conversation list and whole conversations, as the store reads them. */
async function snapshot(store: SqliteStore) {
  const out: Record<string, unknown> = {};
  for (const u of USERS) {
    const convs = await store.conversations(u, undefined, 100);
    const pages: Record<string, unknown> = {};
    for (const c of convs) {
      const page = await store.history({ userId: u, peerId: c.id, limit: 1000 });
      pages[c.id] = page === 'unknown_base' ? page : page.map((m) => [m.seq, m.msgId]);
    }
    out[u] = {
      head: await store.seqHead(u),
      timeline: (await store.inboxSince(u, 0, 1000)).map((m) => [m.seq, m.msgId, m.fromId, m.toId]),
      convs: convs.map((c) => [c.id, c.last?.msgId, c.unread]),
      pages,
    };
  }
  return out;
}

describe('SQLite timeline entries held in memory', () => {
  it('writes a chunk of users at a time, so that each user is written once a second', async () => {
    vi.useFakeTimers({ toFake: ['performance'] }); // the writer's clock for holding
    const { store, free, written } = await started();
    await chat(store, free, 0, 36);
    expect(written()).toEqual([]);
    expect(store.holdsRows).toBe(true);
    // the chunks of half the users due: all of their entries written by the next batch, those of
    // the batch too (at least a quarter of the chunks: fewer are spread over several batches)
    const cut = Math.max(USERS.map(chunkOf).sort((x, y) => x - y)[USERS.length / 2]!, ENTRY_CHUNKS / 4);
    vi.advanceTimersByTime(cut * ENTRY_CHUNK_MS);
    await chat(store, free, 36, 39);
    const early = (u: string) => chunkOf(u) < cut;
    expect(USERS.filter(early).length).toBeGreaterThan(0);
    expect(USERS.filter(early).length).toBeLessThan(USERS.length);
    expect(written()).toHaveLength(entriesOf(0, 39, early));
    // just under a second after the first (a second would make the batch's timed write of the
    // conversation rows, and the entries would wait): every other chunk but the last written
    vi.advanceTimersByTime((ENTRY_CHUNKS - cut) * ENTRY_CHUNK_MS - 1);
    await chat(store, free, 39, 42);
    const late = (u: string) => !early(u) && chunkOf(u) < ENTRY_CHUNKS - 1;
    expect(USERS.filter(late).length).toBe(USERS.length - USERS.filter(early).length);
    const after = entriesOf(0, 39, early) + entriesOf(0, 42, late);
    expect(written()).toHaveLength(after);
    expect(new Set(written()).size).toBe(USERS.length);
    await chat(store, free, 42, 45);
    expect(written()).toHaveLength(after);
    // a read of the store writes them all first
    const head = await store.seqHead('u0');
    expect(written()).toHaveLength(entriesOf(0, 45));
    expect(head).toBe(entriesOf(0, 45, (u) => u === 'u0'));
  });

  it('writes every chunk with the timed write of a quiet server, only those due with a busy one', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'setTimeout'] }); // the clock and the hold timer
    const { store, free, written } = await started();
    await chat(store, free, 0, 36);
    // no batch for HOLD_MAX_MS: the timer's timed write finds every chunk due
    vi.advanceTimersByTime(HOLD_MAX_MS);
    expect(written()).toHaveLength(entriesOf(0, 36));
    // a batch every ENTRY_CHUNK_MS, each writing the chunk due; then the timer comes between two
    // batches (as it often does under load, before the batch that would have made the timed write)
    let n = 36;
    for (let i = 1; i < ENTRY_CHUNKS; i++, n++) {
      vi.advanceTimersByTime(ENTRY_CHUNK_MS);
      await chat(store, free, n, n + 1);
    }
    const before = written().length;
    vi.advanceTimersByTime(ENTRY_CHUNK_MS);
    // one more chunk, not the second's worth of entries held
    expect(written().length - before).toBeLessThan(entriesOf(36, n) / 4);
    expect(store.holdsRows).toBe(true);
    await store.flushHeld();
    expect(written()).toHaveLength(entriesOf(0, n));
  });

  it('writes the next chunk with each batch, due or not, while 65,536 entries are held', async () => {
    vi.useFakeTimers({ toFake: ['performance'] }); // no chunk is due in this test
    const { store, free, written } = await started();
    const n = HOLD_MAX_ENTRIES / 2;
    const ids = await reserveIds(store, 'u0', n);
    // each confirmed at once, or 16,384 pending rows held would have everything written
    await store.write(
      ids.flatMap((id, i): WriteOp[] => [
        appendOp(id, 'u0', 'u1', `x${i}`, 2000),
        { kind: 'confirm', userId: 'u1', msgId: id },
      ]),
    );
    const of = (u: string) => written().filter((w) => w === u).length;
    // that batch wrote chunk 0, the next ones write chunks 1, 2, ... until fewer are held
    const first = Math.min(chunkOf('u0'), chunkOf('u1'));
    for (let k = 1; k <= first; k++) {
      expect(of('u0') + of('u1')).toBe(0);
      await store.write([appendOp(free.u2!.shift()!, 'u2', 'u3', 'y', 2001)]);
    }
    const inFirst = (u: string) => (chunkOf(u) === first ? n : 0);
    expect([of('u0'), of('u1')]).toEqual([inFirst('u0'), inFirst('u1')]);
    await store.write([appendOp(free.u2!.shift()!, 'u2', 'u3', 'y', 2002)]);
    expect([of('u0'), of('u1')]).toEqual([inFirst('u0'), inFirst('u1')]);
    await store.flushHeld();
    expect([of('u0'), of('u1')]).toEqual([n, n]);
  });

  it('finds the entries it holds: a retry, a read receipt, a recall, and positions after a rollback', async () => {
    vi.useFakeTimers({ toFake: ['performance'] }); // nothing is due: everything stays held
    const { dir, store, free, written } = await started();
    const firstIds = USERS.map((u) => free[u]![0]!);
    const results = await chat(store, free, 0, 12);
    expect(written()).toEqual([]);
    // a retry is answered with both positions
    const [from0, to0] = pairOf(0);
    const retry = await store.write([appendOp(firstIds[0]!, from0, to0, 'm0', 1000)]);
    expect(retry).toEqual([{ ...results[0], outcome: 'retry' }]);
    // a read receipt walks the reader's conversation: its entries are written, only its
    const read: WriteOp = { kind: 'read', readerId: to0, senderId: from0, msgId: firstIds[0]!, notice: '{}' };
    expect(await store.write([read])).toMatchObject([{ outcome: 'read' }]);
    expect(new Set(written())).toEqual(new Set([to0]));
    // a recall finds the recipient's entry (held) and its pending row
    const [from1, to1] = pairOf(1);
    const recall: WriteOp = {
      kind: 'recall',
      userId: from1,
      peerId: to1,
      msgId: firstIds[1]!,
      notBeforeMs: 0,
      notice: '{}',
    };
    expect(await store.write([recall])).toMatchObject([{ outcome: 'recalled' }]);
    // a batch that rolls back forgets the users' positions; the next ones go on above the held entries
    const writable = new Database(`${dir}/parley.db`);
    onCleanup(() => writable.close());
    const [from12, to12] = pairOf(12);
    const [bad, good] = [free[from12]![1]!, free[from12]![0]!];
    writable.exec(`CREATE TRIGGER boom BEFORE INSERT ON messages WHEN new.msg_id = ${bad}
      BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    await expect(
      store.write([appendOp(good, from12, to12, 'm12', 1012), appendOp(bad, from12, to12, 'x', 1012)]),
    ).rejects.toThrow('boom');
    writable.exec('DROP TRIGGER boom');
    const after = await chat(store, free, 12, 24);
    expect(after[0]!.message.seq).toBe(entriesOf(0, 12, (u) => u === to12) + 1);
    // every timeline gap-free: positions 1 to its head, each once
    const all = await snapshot(store);
    for (const u of USERS) {
      const { head, timeline } = all[u] as { head: number; timeline: number[][] };
      expect(timeline.map(([seq]) => seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    }
    expect(written()).toHaveLength(entriesOf(0, 24));
  });

  it('keeps the chunks held when the batch that wrote them rolls back, and writes them once later', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { dir, store, free, written } = await started();
    await chat(store, free, 0, 24);
    const writable = new Database(`${dir}/parley.db`);
    onCleanup(() => writable.close());
    writable.exec(
      `CREATE TRIGGER boom BEFORE INSERT ON user_timeline BEGIN SELECT RAISE(ABORT, 'boom'); END`,
    );
    // all chunks but the last due: the batch fails writing them, and rolls back
    vi.advanceTimersByTime(HOLD_MAX_MS - 1);
    const [a, b] = pairOf(24);
    await expect(store.write([appendOp(free[a]![0]!, a, b, 'm24', 1024)])).rejects.toThrow('boom');
    expect(written()).toEqual([]);
    expect(store.holdsRows).toBe(true);
    writable.exec('DROP TRIGGER boom');
    // the next batch finds them due again
    await chat(store, free, 24, 27);
    const due = (u: string) => chunkOf(u) < ENTRY_CHUNKS - 1;
    expect(written()).toHaveLength(entriesOf(0, 27, due));
    const all = await snapshot(store);
    expect(written()).toHaveLength(entriesOf(0, 27));
    expect((all.u0 as { timeline: unknown[] }).timeline).toHaveLength(entriesOf(0, 27, (u) => u === 'u0'));
  });

  it('after a crash, puts back the entries it held from the message rows, with their links', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { dir, store, free, written } = await started();
    await chat(store, free, 0, 30);
    // every chunk but the last written, and the conversation rows with a batch a moment later,
    // ahead of the entries held since (the rows are a summary; the message rows are the record)
    vi.advanceTimersByTime(HOLD_MAX_MS - 1);
    await chat(store, free, 30, 33);
    await chat(store, free, 33, 45);
    vi.advanceTimersByTime(1);
    await chat(store, free, 45, 48);
    expect(written().length).toBeGreaterThan(0);
    expect(written().length).toBeLessThan(entriesOf(0, 48));
    expect(peek(dir).rows().length).toBeGreaterThan(0);
    const crashed = crashImage(dir);

    const recoveries: HeldRecovery[] = [];
    const reopened = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    expect(recoveries).toHaveLength(1);
    expect(recoveries[0]!.restored).toBe(entriesOf(0, 48) - written().length);
    expect(await snapshot(reopened)).toEqual(await snapshot(store));
    // positions and links go on from what was put back
    const [more, moreAgain] = [
      await chat(reopened, { ...cloneIds(free) }, 48, 60),
      await chat(store, free, 48, 60),
    ];
    expect(more).toEqual(moreAgain);
    expect(await snapshot(reopened)).toEqual(await snapshot(store));
    await reopened.close();
    const again = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    expect(recoveries).toHaveLength(1);
    expect(await snapshot(again)).toEqual(await snapshot(store));
  });
});

describe('SQLite timeline entries held in memory, and the mark of what is held', () => {
  it('keeps the mark while entries are held, with every conversation and pending row written', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { dir, store, free, written } = await started();
    const stored = await chat(store, free, 0, 3); // the rows held from here
    vi.advanceTimersByTime(HOLD_MAX_MS - 1); // all chunks but the last written with this batch
    stored.push(...(await chat(store, free, 3, 6)));
    stored.push(...(await chat(store, free, 6, 12)));
    vi.advanceTimersByTime(1);
    // every message confirmed, in the batch that writes the conversation rows
    const confirms: WriteOp[] = stored.map((r) => ({
      kind: 'confirm',
      userId: r.message.toId,
      msgId: r.message.msgId,
    }));
    expect(await store.write(confirms)).toEqual(confirms.map(() => ({ found: true })));
    const db = peek(dir);
    expect(db.pending()).toEqual([]);
    expect(db.rows().length).toBeGreaterThan(0);
    expect(written().length).toBeLessThan(entriesOf(0, 12));
    expect(db.heldSince()).toBeGreaterThanOrEqual(1006);
    const reopened = openStore(crashImage(dir));
    expect(await snapshot(reopened)).toEqual(await snapshot(store));
  });
});

function cloneIds(free: Record<string, number[]>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(free).map(([u, ids]) => [u, [...ids]]));
}
