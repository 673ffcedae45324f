import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BODY_AS_SENT } from '../../src/store/rules.js';
import { MESSAGES_IN_STORE_ORDER } from '../../src/store/sqlite/message-order-schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { WriteOp } from '../../src/store/store.js';
import { sqliteBefore } from '../helpers/sqlite-before.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { appendOp, reserveIds } from './write-ops.js';

/** Message rows in the order they are stored, found by id through an index (message-order-schema.ts). */

const user = (userId: string): WriteOp => ({ kind: 'upsertUser', userId, name: userId, timeMs: 0 });

async function open(dir = tempDir()) {
  const store = new SqliteStore({ dataDir: dir, writer: 'inline' });
  onCleanup(() => store.close());
  const db = new Database(`${dir}/parley.db`, { readonly: true });
  onCleanup(() => db.close());
  const inStoreOrder = () =>
    (db.prepare('SELECT msg_id FROM messages ORDER BY stored').raw().all() as number[][]).map(([id]) => id);
  return { store, inStoreOrder };
}

describe('SQLite message rows in store order', () => {
  it('keeps rows in the order they were stored, whatever the order of their ids', async () => {
    const { store, inStoreOrder } = await open();
    await store.write([user('a'), user('b')]);
    const early = await reserveIds(store, 'a', 2);
    const late = await reserveIds(store, 'b', 2);
    await store.write([appendOp(late[0]!, 'b', 'a'), appendOp(early[1]!, 'a', 'b')]);
    await store.write([appendOp(early[0]!, 'a', 'b'), appendOp(late[1]!, 'b', 'a')]);
    expect(inStoreOrder()).toEqual([late[0], early[1], early[0], late[1]]);
    // found by id: a retry, a second message under a used id, a read of the message
    expect(await store.write([appendOp(early[1]!, 'a', 'b')])).toMatchObject([{ outcome: 'retry' }]);
    expect(await store.write([appendOp(early[1]!, 'a', 'b', 'other')])).toEqual([{ outcome: 'duplicate' }]);
    expect(await store.getMessage(late[0]!)).toMatchObject({ fromId: 'b', toId: 'a', body: 'hi' });
  });

  it('migrates the rows of the previous version, keeping ids, links and what is pending', async () => {
    const dir = tempDir();
    const old = sqliteBefore(dir, MESSAGES_IN_STORE_ORDER);
    old.exec(`
      UPDATE meta SET value = 10 WHERE key = 'next_msg_id';
      INSERT INTO users (id, name, created_ms, seq_head) VALUES ('a', 'A', 0, 2), ('b', 'B', 0, 2);
      INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms, to_seq, from_seq, to_prev, from_prev)
        VALUES (7, 'a', 'b', 0, 'seven', '${BODY_AS_SENT}', 1, 20, 2, 2, 1, 1),
          (3, 'a', 'b', 0, 'three', '${BODY_AS_SENT}', 2, 10, 1, 1, 0, 0);
      INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming, prev_seq) VALUES
        ('a', 1, 3, 'b', 0, 0), ('a', 2, 7, 'b', 0, 1), ('b', 1, 3, 'a', 1, 0), ('b', 2, 7, 'a', 1, 1);
      INSERT INTO pending (user_id, seq, msg_id, time_ms) VALUES ('b', 2, 7, 20);
      INSERT INTO id_clock (time_ms, next_id) VALUES (60000, 10);
    `);
    old.close();
    const { store, inStoreOrder } = await open(dir);
    expect(inStoreOrder()).toEqual([3, 7]);
    expect(await store.getMessage(3)).toMatchObject({ body: 'three', status: 2, timeMs: 10 });
    expect((await store.pendingMessages('b', 0, 10)).map((m) => [m.seq, m.msgId, m.body])).toEqual([
      [2, 7, 'seven'],
    ]);
    const history = await store.history({ userId: 'a', beforeMsgId: 7, limit: 10 });
    expect(history === 'unknown_base' ? history : history.map((m) => m.msgId)).toEqual([3]);
    // a new message goes after them, and a retry of an old one is known by its id
    const [id] = await reserveIds(store, 'a', 1);
    expect(await store.write([appendOp(id!, 'a', 'b'), appendOp(7, 'a', 'b', 'seven')])).toMatchObject([
      { outcome: 'stored', message: { seq: 3 } },
      { outcome: 'retry', message: { seq: 2 } },
    ]);
    expect(inStoreOrder()).toEqual([3, 7, id]);
  });
});
