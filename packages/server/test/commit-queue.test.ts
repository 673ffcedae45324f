import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMIT_MAX_BATCH, CommitQueue, type CommitQueueOptions } from '../src/core/commit-queue.js';
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
    const q = new CommitQueue(store, { maxBatch: 20 });
    const all = Array.from({ length: 45 }, () => q.enqueue(reserve('a')));
    await Promise.all(all);
    expect(batches).toEqual([20, 20, 5]);
    await inner.close();
  });

  it('writes a backlog in batches of COMMIT_MAX_BATCH, answering each before the last is written', async () => {
    const { store, batches, inner } = countingStore();
    let firstAnswered = false;
    const answeredWhenSent: boolean[] = [];
    const write = store.write.bind(store);
    store.write = (ops) => {
      answeredWhenSent.push(firstAnswered);
      return write(ops);
    };
    const q = new CommitQueue(store);
    const backlog = 2 * COMMIT_MAX_BATCH + 88;
    const all = Array.from({ length: backlog }, () => q.enqueue(reserve('a')));
    void all[0]!.then(() => (firstAnswered = true));
    const results = await Promise.all(all);
    expect(COMMIT_MAX_BATCH).toBe(256);
    expect(batches).toEqual([256, 256, 88]);
    // the first batch's callers had their answer before the store got the last batch
    expect(answeredWhenSent[0]).toBe(false);
    expect(answeredWhenSent.at(-1)).toBe(true);
    expect(results.flatMap(ids)).toEqual(Array.from({ length: backlog }, (_, i) => i + 1));
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

  it('sends the next batch before the previous is answered to a pipelined store, and settles in order', async () => {
    const sent: {
      ops: readonly WriteOp[];
      answer: (r: (WriteResult | Error)[]) => void;
      fail: (e: Error) => void;
    }[] = [];
    const store = {
      pipelineDepth: 2,
      write: (ops: readonly WriteOp[]) =>
        new Promise<WriteResult[]>((resolve, reject) =>
          sent.push({ ops, answer: (r) => resolve(r as WriteResult[]), fail: reject }),
        ),
    } as unknown as Store;
    const q = new CommitQueue(store);
    const order: string[] = [];
    const first = q.enqueue(reserve('a')).then(() => order.push('first'));
    await waitUntil(() => sent.length === 1);
    const second = q.enqueue(reserve('b')).then(() => order.push('second'));
    const bad = q.enqueue(reserve('bad')).catch((e: Error) => order.push(`bad: ${e.message}`));
    await waitUntil(() => sent.length === 2); // sent while the first is unanswered
    const third = q.enqueue(reserve('c'));
    await new Promise((r) => setImmediate(r));
    expect(sent.length).toBe(2); // two in flight at most
    sent[1]!.answer([{ outcome: 'reserved', ids: [2] }, new Error('that one failed')]);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]); // the second waits for the first to be settled
    sent[0]!.answer([{ outcome: 'reserved', ids: [1] }]);
    await Promise.all([first, second, bad]);
    expect(order).toEqual(['first', 'second', 'bad: that one failed']);
    await waitUntil(() => sent.length === 3);
    sent[2]!.answer([{ outcome: 'reserved', ids: [3] }]);
    expect(ids(await third)).toEqual([3]);
  });

  it('reports each batch, the wait of each of its operations, and how long the store took, failed or not', async () => {
    const sent: { at: number; answer: () => void; fail: () => void }[] = [];
    const store = {
      pipelineDepth: 1,
      write: (ops: readonly WriteOp[]) =>
        new Promise<WriteResult[]>((resolve, reject) =>
          sent.push({
            at: performance.now(),
            answer: () => resolve(ops.map(() => ({ outcome: 'reserved', ids: [1] }))),
            fail: () => reject(new Error('disk on fire')),
          }),
        ),
    } as unknown as Store;
    const batches: number[] = [];
    const waits: number[] = [];
    const written: [number, number][] = [];
    const q = new CommitQueue(store, {
      maxBatch: 1000,
      observer: {
        batch: (ops) => batches.push(ops),
        waited: (ms) => waits.push(ms),
        written: (ms, ops) => written.push([ms, ops]),
      },
    });
    const enqueuedAt = performance.now();
    const first = q.enqueue(reserve('a'));
    await waitUntil(() => sent.length === 1);
    const secondAt = performance.now();
    const second = q.enqueue(reserve('b'));
    spin(3);
    const thirdAt = performance.now();
    const third = q.enqueue(reserve('c'));
    spin(3);
    const answeredAt = performance.now();
    sent[0]!.answer();
    await first;
    await waitUntil(() => sent.length === 2);
    expect(batches).toEqual([1, 2]);
    expect(waits[0]).toBeLessThanOrEqual(sent[0]!.at - enqueuedAt);
    expect(written[0]![0]).toBeGreaterThanOrEqual(answeredAt - sent[0]!.at);
    expect(written[0]![1]).toBe(1);
    // the second batch gathered while the first was written: each of its operations since it came
    expect(waits[1]).toBeGreaterThanOrEqual(answeredAt - secondAt);
    expect(waits[2]).toBeGreaterThanOrEqual(answeredAt - thirdAt);
    expect(waits[1]! - waits[2]!).toBeGreaterThanOrEqual(3);
    spin(3);
    const failedAt = performance.now();
    sent[1]!.fail(); // then each operation alone
    await waitUntil(() => sent.length === 3);
    sent[2]!.answer();
    await waitUntil(() => sent.length === 4);
    sent[3]!.answer();
    await Promise.all([second, third]);
    // the retries one by one are not group commits
    expect(written.map(([, ops]) => ops)).toEqual([1, 2]);
    expect(written[1]![0]).toBeGreaterThanOrEqual(failedAt - sent[1]!.at);
    expect(batches).toEqual([1, 2]);
    expect(waits).toHaveLength(3);
  });
});

describe('the gap between group commits', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A store that answers every batch at once and records when (on the faked clock) it got it. */
  function instantStore() {
    const batches: { at: number; ops: number }[] = [];
    const store = {
      pipelineDepth: 2,
      write: async (ops: readonly WriteOp[]) => {
        batches.push({ at: performance.now(), ops: ops.length });
        return ops.map(() => ({ outcome: 'reserved', ids: [1] }) as WriteResult);
      },
    } as unknown as Store;
    return { store, batches };
  }

  /** On a faked clock: a queue whose first batch, of one write, went at 0 ms and is answered. */
  async function afterFirstBatch(opts: CommitQueueOptions) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] });
    const { store, batches } = instantStore();
    const q = new CommitQueue(store, opts);
    const first = q.enqueue(reserve('a'));
    await vi.advanceTimersByTimeAsync(0);
    await first;
    expect(batches).toEqual([{ at: 0, ops: 1 }]);
    return { q, batches };
  }

  it('sends a write after a quiet spell at once, and gathers the next ones until the gap has passed', async () => {
    const { q, batches } = await afterFirstBatch({ gapMs: 5 });
    await vi.advanceTimersByTimeAsync(1);
    const next = [q.enqueue(reserve('b')), q.enqueue(reserve('c'))];
    await vi.advanceTimersByTimeAsync(2);
    const third = q.enqueue(reserve('d'));
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toHaveLength(1); // 4 ms after the first batch: still gathering
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([...next, third]);
    expect(batches).toEqual([
      { at: 0, ops: 1 },
      { at: 5, ops: 3 },
    ]);
    // quiet for longer than the gap: the next write goes in this turn
    await vi.advanceTimersByTimeAsync(50);
    const late = q.enqueue(reserve('e'));
    await vi.advanceTimersByTimeAsync(0);
    await late;
    expect(batches.at(-1)).toEqual({ at: 55, ops: 1 });
  });

  it('sends a full batch without waiting for the gap', async () => {
    const { q, batches } = await afterFirstBatch({ gapMs: 1000, maxBatch: 3 });
    const more = [1, 2, 3, 4].map(() => q.enqueue(reserve('b')));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches.map((b) => [b.at, b.ops])).toEqual([
      [0, 1],
      [0, 3],
    ]);
    await vi.advanceTimersByTimeAsync(1000); // the one left over waits for the gap
    await Promise.all(more);
    expect(batches.map((b) => [b.at, b.ops])).toEqual([
      [0, 1],
      [0, 3],
      [1000, 1],
    ]);
  });

  it('drain does not wait for the gap', async () => {
    const { q, batches } = await afterFirstBatch({ gapMs: 1000 });
    const second = q.enqueue(reserve('b'));
    await q.drain();
    await second;
    expect(batches.map((b) => [b.at, b.ops])).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });
});

/** Lets `ms` pass on this thread, so that the times measured above cannot all be zero. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

async function waitUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setImmediate(r));
  expect(done()).toBe(true);
}
