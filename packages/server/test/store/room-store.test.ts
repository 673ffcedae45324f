import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store, WriteOp } from '../../src/store/store.js';
import { freshSchema, pgStore } from '../helpers/postgres.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { describeRoomContract } from './room-contract.js';

describeRoomContract('sqlite', async () => {
  const store = new SqliteStore({ dataDir: tempDir() });
  onCleanup(() => store.close());
  return store;
});

describeRoomContract('postgres', () => pgStore());

describe('PostgresStore rooms with several nodes', () => {
  it('numbers a room gap-free in commit order and trims it when two nodes post to it at once', async () => {
    const schema = freshSchema();
    const nodes = [await pgStore(schema), await pgStore(schema)];
    await nodes[0]!.write(
      ['a', 'b'].map((id) => ({ kind: 'upsertUser', userId: id, name: id, timeMs: 0 }) as const),
    );
    const batches = 12;
    const perBatch = 5;
    const keep = 20;
    const worker = async (store: Store, userId: string) => {
      for (let b = 0; b < batches; b++) {
        const [r] = await store.write([
          { kind: 'reserve', userId, count: perBatch, nowMs: 1, validFromMs: 0, maxOutstanding: 1000 },
        ]);
        const ids = (r as { ids: number[] }).ids;
        // each batch posts to both rooms, in an order that differs between the nodes
        const ops: WriteOp[] = ids.map((msgId, i) => ({
          kind: 'roomAppend',
          msgId,
          fromId: userId,
          toId: (i + (userId === 'a' ? 0 : 1)) % 2 === 0 ? '!one' : '!two',
          type: 0,
          body: `${userId} ${b} ${i}`,
          timeMs: 1,
          keep,
          validFromMs: 0,
        }));
        const results = await store.write(ops);
        for (const res of results) expect(res).toMatchObject({ outcome: 'stored' });
      }
    };
    await Promise.all([worker(nodes[0]!, 'a'), worker(nodes[1]!, 'b')]);
    const total = 2 * batches * perBatch;
    const counted = { '!one': 0, '!two': 0 };
    for (const room of ['!one', '!two'] as const) {
      const recent = await nodes[0]!.roomRecent(room, 1000);
      expect(recent.length).toBe(keep);
      const seqs = recent.map((m) => m.seq);
      const head = seqs[seqs.length - 1]!;
      expect(seqs).toEqual(Array.from({ length: keep }, (_, i) => head - keep + 1 + i));
      counted[room] = head;
    }
    expect(counted['!one'] + counted['!two']).toBe(total);
  });
});

describe('SqliteStore rooms', () => {
  it('reads and trims a window from the primary key, never by scanning', async () => {
    const dir = tempDir();
    await new SqliteStore({ dataDir: dir }).close();
    const db = new Database(`${dir}/parley.db`);
    onCleanup(() => db.close());
    const plan = (text: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all('!r', 1) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    for (const text of [
      'SELECT * FROM room_messages WHERE room_id = ? ORDER BY seq DESC LIMIT ?',
      'DELETE FROM room_messages WHERE room_id = ? AND seq <= ?',
    ]) {
      expect(plan(text), text).toMatch(/SEARCH room_messages USING PRIMARY KEY/);
      expect(plan(text), text).not.toMatch(/TEMP B-TREE/);
    }
  });
});
