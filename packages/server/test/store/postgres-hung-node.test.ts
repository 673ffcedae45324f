import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { sessionUrl } from '../../src/store/postgres/postgres-store.js';
import { freshSchema, PG_URL, pgStore } from '../helpers/postgres.js';

describe('PostgresStore beside a node that hangs inside a transaction', () => {
  it("gets the hung node's locks back once the database ends its idle transaction", async () => {
    const schema = freshSchema();
    const store = await pgStore(schema);
    await store.write([
      { kind: 'upsertUser', userId: 'a', name: 'A', timeMs: 0 },
      { kind: 'upsertUser', userId: 'b', name: 'B', timeMs: 0 },
    ]);
    // a "node" that took user a's lock in a transaction and then stopped (blocked loop, paused VM)
    const hung = new pg.Client({
      connectionString: sessionUrl(PG_URL, schema, {
        idleInTransactionTimeoutMs: 300,
        statementTimeoutMs: 30_000,
      }),
    });
    const ended = new Promise<Error>((resolve) => hung.on('error', resolve));
    await hung.connect();
    await hung.query('BEGIN');
    await hung.query("SELECT id FROM users WHERE id = 'a' FOR UPDATE");

    // the live node's batch touching a waits for the lock, then goes through once the database
    // has ended the hung session
    const [r] = await store.write([
      { kind: 'reserve', userId: 'a', count: 1, nowMs: 1, validFromMs: 0, maxOutstanding: 10 },
    ]);
    expect(r).toMatchObject({ outcome: 'reserved' });
    expect((await ended).message).toMatch(/idle-in-transaction timeout|terminat/i);
    await hung.end().catch(() => {});
  }, 20_000);
});
