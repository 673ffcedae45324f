import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('sqlite', async () => {
  const store = new SqliteStore({ dataDir: tempDir() });
  onCleanup(() => store.close());
  return store;
});

describe('SqliteStore specifics', () => {
  it('survives a reopen with its sequence and data', async () => {
    const dir = tempDir();
    const s1 = new SqliteStore({ dataDir: dir });
    await s1.upsertUser('a', 'A');
    const reserve = (count: number) =>
      ({ kind: 'reserve', userId: 'a', count, nowMs: 1, validFromMs: 0, maxOutstanding: 100 }) as const;
    await s1.write([reserve(10)]);
    await s1.close();
    const s2 = new SqliteStore({ dataDir: dir, synchronous: 'full' });
    onCleanup(() => s2.close());
    expect(await s2.getUser('a')).toEqual({ id: 'a', name: 'A' });
    expect(await s2.write([reserve(1)])).toEqual([{ outcome: 'reserved', ids: [11] }]);
  });

  it('answers history pages and backlogs from indexes, never by scanning messages', async () => {
    const dir = tempDir();
    const store = new SqliteStore({ dataDir: dir });
    await store.close();
    const db = new Database(`${dir}/parley.db`, { readonly: true });
    onCleanup(() => db.close());
    const plan = (sql: string, ...args: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    const queries = [
      "SELECT m.* FROM timeline t JOIN messages m ON m.seq = t.seq WHERE t.user_id = 'a' AND t.seq < 99 ORDER BY t.seq DESC LIMIT 20",
      "SELECT * FROM messages WHERE conv = 'a b' AND seq < 99 ORDER BY seq DESC LIMIT 20",
      "SELECT m.* FROM pending_messages p JOIN messages m ON m.seq = p.seq WHERE p.user_id = 'a' AND p.seq > 0 ORDER BY p.seq LIMIT 20",
      'SELECT * FROM messages WHERE msg_id = 5',
    ];
    for (const q of queries) {
      const p = plan(q);
      expect(p, q).not.toMatch(/SCAN (m|messages|t|timeline|p|pending_messages)\b(?! USING)/);
      expect(p, q).not.toMatch(/TEMP B-TREE/);
    }
  });
});
