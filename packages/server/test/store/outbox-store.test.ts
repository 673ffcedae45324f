import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Outbox } from '../../src/store/outbox.js';
import { MIGRATIONS as PG_MIGRATIONS } from '../../src/store/postgres/schema/migrations.js';
import { OUTBOX_SENDER as PG_OUTBOX_SENDER } from '../../src/store/postgres/schema/outbox-tables.js';
import { OUTBOX_SENDER } from '../../src/store/sqlite/outbox-schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { freshSchema, PG_URL, pgQuery, pgStore } from '../helpers/postgres.js';
import { sqliteBefore } from '../helpers/sqlite-before.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { describeOutboxContract } from './outbox-contract.js';

/** Inline: the contract's capture is a closure (it throws on cue), which cannot cross threads. */
async function sqliteStore(): Promise<SqliteStore> {
  const store = new SqliteStore({ dataDir: tempDir(), writer: 'inline' });
  onCleanup(() => store.close());
  return store;
}

describeOutboxContract('sqlite', sqliteStore);
describeOutboxContract('postgres', () => pgStore());

describe('the PostgreSQL dispatch lease', () => {
  it('is held by one lease of a schema at a time, and passes on when its holder is gone', async () => {
    const schema = freshSchema();
    const [one, two] = [await pgStore(schema), await pgStore(schema)];
    const first = one!.outbox.outboxLease();
    const second = two!.outbox.outboxLease();
    onCleanup(() => Promise.all([first.release(), second.release()]));
    expect(await first.acquire()).toBe(true);
    expect(await first.acquire()).toBe(true);
    expect(await second.acquire()).toBe(false);
    expect(await first.held()).toBe(true);

    // another schema is another cluster: its own lease
    const other = (await pgStore()).outbox.outboxLease();
    onCleanup(() => other.release());
    expect(await other.acquire()).toBe(true);

    // the holder's session dies (its node was killed): the lock goes with it
    await pgQuery(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND classid = $1 AND objid = hashtext($2)::oid AND granted`,
      [0x77686b73, schema],
    );
    await expect.poll(() => first.held()).toBe(false);
    expect(await second.acquire()).toBe(true);
    expect(await first.acquire()).toBe(false);

    await second.release();
    expect(await first.acquire()).toBe(true);
  });
});

/** Outbox rows as the version before `from_id` wrote them: alice's words, and an event without any. */
const OLD_EVENTS = `
  INSERT INTO users (id, name, created_ms) VALUES ('alice', 'A', 0);
  INSERT INTO webhook_outbox (conv, type, time_ms, body) VALUES
    ('alice bob', 'message.sent', 1, '{"type":"message.sent","data":{"fromId":"alice","toId":"bob","chatMsg":{"id":"MSG000001","message":"old secret"}}}'),
    ('alice bob', 'friend.requested', 2, '{"type":"friend.requested","data":{"fromId":"alice","toId":"bob","message":"old request"}}'),
    ('user:alice', 'user.online', 3, '{"type":"user.online","data":{"userId":"alice"}}');
`;

/** After the migration, deleting alice blanks her words in the events written before it. */
async function expectOldEventsBlanked(store: Store, outbox: Outbox) {
  await store.write([{ kind: 'deleteUser', userId: 'alice', timeMs: 10, limit: 100 }]);
  const data = (await outbox.outboxPending(10, [])).map((r) => JSON.parse(r.body).data);
  expect(data).toEqual([
    { fromId: 'alice', toId: 'bob', chatMsg: { id: 'MSG000001', message: '' }, erased: true },
    { fromId: 'alice', toId: 'bob', message: '', erased: true },
    { userId: 'alice' },
  ]);
}

describe('the outbox sender column', () => {
  it('is filled from the bodies of older events (SQLite)', async () => {
    const dir = tempDir();
    const old = sqliteBefore(dir, OUTBOX_SENDER);
    old.exec(OLD_EVENTS);
    old.close();
    const store = new SqliteStore({ dataDir: dir, writer: 'inline' });
    onCleanup(() => store.close());
    await expectOldEventsBlanked(store, store.outbox);
  });

  it('is filled from the bodies of older events (PostgreSQL)', async () => {
    const schema = freshSchema();
    await pgQuery(`CREATE SCHEMA "${schema}"`);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    onCleanup(() => client.end());
    await client.query(`SET search_path TO "${schema}"`);
    await client.query(
      'CREATE TABLE parley_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    for (const [v, step] of PG_MIGRATIONS.slice(0, PG_MIGRATIONS.indexOf(PG_OUTBOX_SENDER)).entries()) {
      await client.query(step);
      await client.query('INSERT INTO parley_schema (version) VALUES ($1)', [v + 1]);
    }
    await client.query(OLD_EVENTS);
    const store = await pgStore(schema);
    await expectOldEventsBlanked(store, store.outbox);
  });
});
