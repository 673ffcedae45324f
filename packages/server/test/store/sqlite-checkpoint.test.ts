import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINTER_DIED, CHECKPOINTER_RESTART_MS } from '../../src/store/sqlite/checkpointer.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { capturingLog } from '../helpers/capturing-log.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

/** Stores `n` messages from a to b (a few hundred pages: below SQLite's own 1,000-page checkpoint). */
async function storeMessages(store: SqliteStore, n: number): Promise<void> {
  for (const id of ['a', 'b']) await store.write([{ kind: 'upsertUser', userId: id, name: id, timeMs: 0 }]);
  const [r] = await store.write([
    { kind: 'reserve', userId: 'a', count: n, nowMs: 1, validFromMs: 0, maxOutstanding: n },
  ]);
  const ids = (r as { ids: number[] }).ids;
  await store.write(
    ids.map((msgId) => ({
      kind: 'append' as const,
      msgId,
      fromId: 'a',
      toId: 'b',
      type: 0 as const,
      body: `message ${msgId} ${'x'.repeat(200)}`,
      timeMs: 2,
      validFromMs: 0,
      maxPending: n,
    })),
  );
}

describe('SQLite WAL checkpoints off the event loop', () => {
  it('copies committed pages into the database file from the worker, with no commit paying for it', async () => {
    const dir = tempDir();
    const store = new SqliteStore({ dataDir: dir, checkpointIntervalMs: 20 });
    onCleanup(() => store.close());
    const file = path.join(dir, 'parley.db');
    const before = statSync(file).size;
    await storeMessages(store, 300);
    // only a checkpoint grows the database file: the commits went to the WAL
    await waitFor(() => statSync(file).size > before, 'a checkpoint to grow the database file');
    await store.close();
    // a clean close leaves everything in the database file
    const reopened = new SqliteStore({ dataDir: dir });
    onCleanup(() => reopened.close());
    expect((await reopened.pendingMessages('b', 0, 1000)).length).toBe(300);
  });

  it('replaces a checkpoint thread that died, and logs it', async () => {
    const dir = tempDir();
    const { log, next } = capturingLog('info');
    const store = new SqliteStore({ dataDir: dir, checkpointIntervalMs: 20, writer: 'inline', log });
    onCleanup(() => store.close());
    // the thread is gone before anything was written (as a crash of it would leave it)
    const checkpointer = (store as unknown as { checkpointer: { worker: { terminate(): Promise<number> } } })
      .checkpointer;
    await checkpointer.worker.terminate();
    const line = await next(CHECKPOINTER_DIED);
    expect(line).toMatchObject({ level: 50, code: expect.any(Number), restartInMs: CHECKPOINTER_RESTART_MS });
    const file = path.join(dir, 'parley.db');
    const before = statSync(file).size;
    await storeMessages(store, 300);
    // only a checkpoint grows the database file: the new thread's
    await waitFor(() => statSync(file).size > before, 'a checkpoint by a new thread');
  });

  it('keeps the WAL short under a steady stream of commits: the writer finishes the checkpoint, the log restarts', async () => {
    const dir = tempDir();
    const store = new SqliteStore({
      dataDir: dir,
      checkpointIntervalMs: 5,
      walRestartFrames: 50,
      writer: 'inline',
    });
    onCleanup(() => store.close());
    const wal = path.join(dir, 'parley.db-wal');
    for (const id of ['a', 'b']) await store.write([{ kind: 'upsertUser', userId: id, name: id, timeMs: 0 }]);
    let written = 0;
    let grown = 0;
    // batches back to back, as under full load: the checkpoint thread never catches up by itself.
    // The file keeps its largest size, reached while the checkpoint thread starts: the test
    // measures how much it grows after that.
    const start = Date.now();
    let warm = 0;
    while (Date.now() < start + 2000) {
      const size = statSync(wal).size;
      if (Date.now() < start + 500) warm = size;
      else grown = size - warm;
      const [r] = await store.write([
        { kind: 'reserve', userId: 'a', count: 20, nowMs: 1, validFromMs: 0, maxOutstanding: 20 },
      ]);
      const batch = (r as { ids: number[] }).ids.map((msgId) => ({
        kind: 'append' as const,
        msgId,
        fromId: 'a',
        toId: 'b',
        type: 0 as const,
        body: 'x'.repeat(1000),
        timeMs: 2,
        validFromMs: 0,
        maxPending: 1_000_000,
      }));
      await store.write(batch);
      if (Date.now() >= start + 500) written += batch.length * 1000;
      await new Promise((resolve) => setImmediate(resolve)); // the writer thread's turn between batches
    }
    // enough bytes that a log keeping all of them would break the bound below
    expect(written).toBeGreaterThan(2 ** 20);
    expect(grown).toBeLessThan(written / 4);
  });

  it('without the worker, the commits of a few hundred pages stay in the WAL', async () => {
    const dir = tempDir();
    const store = new SqliteStore({ dataDir: dir, checkpointIntervalMs: 0 });
    onCleanup(() => store.close());
    const file = path.join(dir, 'parley.db');
    const before = statSync(file).size;
    await storeMessages(store, 300);
    expect(statSync(file).size).toBe(before);
  });
});
