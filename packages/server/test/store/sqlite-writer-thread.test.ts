import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CommitQueue } from '../../src/core/commit-queue.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { WriteOp } from '../../src/store/store.js';
import { webhookCapture } from '../../src/webhooks/capture.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';

/**
 * The SQLite store with its batches in the writer thread (the default for a data folder): what
 * crosses the thread boundary besides the batches the store contract covers.
 */
function threadedStore(dir = tempDir()): SqliteStore {
  const store = new SqliteStore({ dataDir: dir });
  onCleanup(() => store.close());
  return store;
}

const users = (...ids: string[]): WriteOp[] =>
  ids.map((userId) => ({ kind: 'upsertUser', userId, name: userId, timeMs: 0 }));

async function sendOne(store: SqliteStore, from: string, to: string, body: string) {
  const [r] = await store.write([
    { kind: 'reserve', userId: from, count: 1, nowMs: 1, validFromMs: 0, maxOutstanding: 100 },
  ]);
  const msgId = (r as { ids: number[] }).ids[0]!;
  const [stored] = await store.write([
    {
      kind: 'append',
      msgId,
      fromId: from,
      toId: to,
      type: 0,
      body,
      timeMs: 5,
      validFromMs: 0,
      maxPending: 100,
    },
  ]);
  return { msgId, stored };
}

/** A store with users a and b whose `contacts` table is gone: setting contacts fails in SQLite. */
async function withoutContactsTable(): Promise<SqliteStore> {
  const dir = tempDir();
  const store = threadedStore(dir);
  await store.write(users('a', 'b'));
  const other = new Database(path.join(dir, 'parley.db'));
  other.exec('DROP TABLE contacts');
  other.close();
  return store;
}

/** The writer thread of a store, reached past `private` (only a test does this). */
function writerThreadOf(store: SqliteStore): { terminate(): Promise<number> } {
  const writer = (store as unknown as { writer: { worker?: { terminate(): Promise<number> } } }).writer;
  return writer.worker!;
}

describe('SqliteStore writer thread', () => {
  it('writes the webhook outbox in the thread, with the event loop clock, and tells when it did', async () => {
    const store = threadedStore();
    let now = 1_700_000_000_000;
    let committed = 0;
    store.outbox.captureEvents(
      webhookCapture({ types: ['message.sent', 'message.read'], timeZone: 'UTC' }, { now: () => now }),
      () => committed++,
    );
    await store.write(users('a', 'b'));
    expect(committed).toBe(0); // nothing captured for users
    const { msgId } = await sendOne(store, 'a', 'b', 'hello');
    expect(committed).toBe(1);
    now += 60_000;
    await store.write([{ kind: 'read', readerId: 'b', senderId: 'a', msgId, notice: '{}' }]);
    const rows = await store.outbox.outboxPending(10, []);
    expect(rows.map((r) => r.type)).toEqual(['message.sent', 'message.read']);
    // a read carries no time of its own: the capture's clock on the event loop gave it
    expect(rows[1]!.timeMs).toBe(now);
    expect(JSON.parse(rows[0]!.body).data.chatMsg.message).toBe('hello');
    // the dispatcher's own writes go through the thread too
    await store.outbox.outboxDelivered([rows[0]!.id], now);
    expect((await store.outbox.outboxPending(10, [])).map((r) => r.type)).toEqual(['message.read']);
    expect(await store.outbox.outboxPurge(now + 1, 10)).toEqual({ delivered: 1, undelivered: 1 });
    expect(await store.outbox.outboxBacklog()).toBe(0);
  });

  it('refuses a capture that cannot be rebuilt in another thread', () => {
    const store = threadedStore();
    expect(() => store.outbox.captureEvents(() => [])).toThrow(/writer thread/);
  });

  it('passes a database error back with its code, and goes on writing', async () => {
    const store = await withoutContactsTable();
    // through the commit queue, as the server writes: the caller of the bad operation gets the error
    const failing = new CommitQueue(store).enqueue({ kind: 'setContacts', userId: 'a', contactIds: ['b'] });
    await expect(failing).rejects.toThrow(/no such table: contacts/);
    await expect(failing).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
    const { stored } = await sendOne(store, 'a', 'b', 'after the error');
    expect(stored).toMatchObject({ outcome: 'stored' });
  });

  it('retries a failed batch op by op in the thread: the bad operation fails alone, in its place', async () => {
    const store = await withoutContactsTable();
    const results = (await store.write([
      ...users('c'),
      { kind: 'setContacts', userId: 'a', contactIds: ['b'] },
      ...users('d'),
    ])) as unknown[];
    expect(results[0]).toEqual({ id: 'c', name: 'c' });
    expect(results[1]).toBeInstanceOf(Error);
    expect(results[1]).toMatchObject({ code: 'SQLITE_ERROR', message: expect.stringMatching(/contacts/) });
    expect(results[2]).toEqual({ id: 'd', name: 'd' });
    expect(await store.getUser('d')).toEqual({ id: 'd', name: 'd' });
  });

  it('fails the writes in flight when the thread dies, and starts a new one for the next', async () => {
    const dir = tempDir();
    const store = threadedStore(dir);
    await store.write(users('a', 'b'));
    const first = await sendOne(store, 'a', 'b', 'committed before');
    // another connection holds the write lock: the batch cannot commit before the thread is stopped
    const other = new Database(path.join(dir, 'parley.db'));
    other.exec('BEGIN IMMEDIATE');
    const inFlight = store.write(users('c'));
    const terminated = writerThreadOf(store).terminate();
    other.exec('ROLLBACK');
    other.close();
    await terminated;
    await expect(inFlight).rejects.toThrow(/writer thread exited/);
    expect(await store.getUser('c')).toBeUndefined();
    const after = await sendOne(store, 'a', 'b', 'after a restart');
    expect(after.stored).toMatchObject({ outcome: 'stored', message: { seq: 2 } });
    expect((await store.getMessage(first.msgId))?.body).toBe('committed before');
    expect((await store.pendingMessages('b', 0, 10)).map((m) => m.body)).toEqual([
      'committed before',
      'after a restart',
    ]);
  });

  it('keeps what it committed for a store opened after it closed', async () => {
    const dir = tempDir();
    const store = new SqliteStore({ dataDir: dir });
    await store.write(users('a', 'b'));
    const { msgId } = await sendOne(store, 'a', 'b', 'kept');
    await store.close();
    const reopened = new SqliteStore({ dataDir: dir, writer: 'inline' });
    onCleanup(() => reopened.close());
    expect((await reopened.getMessage(msgId))?.body).toBe('kept');
    await expect(reopened.write(users('c'))).resolves.toHaveLength(1);
  });
});
