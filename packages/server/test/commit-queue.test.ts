import { describe, expect, it } from 'vitest';
import { CommitQueue } from '../src/core/commit-queue.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store, WriteOp, WriteResult } from '../src/store/store.js';

/** A SQLite store in memory that records the size of every transaction and can be told to fail. */
function countingStore(failWhen: (ops: readonly WriteOp[]) => boolean = () => false) {
  const inner = new SqliteStore({ dataDir: ':memory:' });
  const batches: number[] = [];
  const store = Object.create(inner) as Store;
  store.write = async (ops: readonly WriteOp[]): Promise<WriteResult[]> => {
    batches.push(ops.length);
    if (failWhen(ops)) throw new Error('disk on fire');
    return inner.write(ops);
  };
  return { store, inner, batches };
}

/** A reserve of one id, without expiry or cap. */
const reserve = (userId: string) =>
  ({ kind: 'reserve', userId, count: 1, nowMs: 1, validFromMs: 0, maxOutstanding: 1_000_000 }) as const;
const ids = (r: WriteResult) => (r as { ids: number[] }).ids;

describe('group commit', () => {
  it('commits writes that arrive in the same turn in one transaction, in order', async () => {
    const { store, batches, inner } = countingStore();
    const q = new CommitQueue(store);
    const results = await Promise.all(Array.from({ length: 50 }, () => q.enqueue(reserve('a'))));
    expect(batches).toEqual([50]);
    expect(results.flatMap(ids)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await inner.close();
  });

  it('splits at the batch limit and gathers the next batch while one is written', async () => {
    const { store, batches, inner } = countingStore();
    const q = new CommitQueue(store, 20);
    const all = Array.from({ length: 45 }, () => q.enqueue(reserve('a')));
    await Promise.all(all);
    expect(batches).toEqual([20, 20, 5]);
    await inner.close();
  });

  it('retries a failed batch one operation at a time so one bad write fails alone', async () => {
    const failing = countingStore((ops) => ops.some((o) => o.kind === 'reserve' && o.userId === 'bad'));
    const q = new CommitQueue(failing.store);
    const good = q.enqueue(reserve('a'));
    const bad = q.enqueue(reserve('bad'));
    const good2 = q.enqueue(reserve('a'));
    await expect(bad).rejects.toThrow('disk on fire');
    expect(ids(await good)).toEqual([1]);
    expect(ids(await good2)).toEqual([2]);
    expect(failing.batches).toEqual([3, 1, 1, 1]);
    await failing.inner.close();
  });

  it('drain waits for everything enqueued', async () => {
    const { store, inner } = countingStore();
    const q = new CommitQueue(store);
    let done = 0;
    for (let i = 0; i < 10; i++) void q.enqueue(reserve('a')).then(() => done++);
    await q.drain();
    await Promise.resolve();
    expect(done).toBe(10);
    await inner.close();
  });
});
