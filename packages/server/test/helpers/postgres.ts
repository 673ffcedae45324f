import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres/postgres-store.js';
import { onCleanup } from './test-server.js';

/** The test database: `DATABASE_URL`, or the local PostgreSQL that CI starts. */
export const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs SQL on the test database outside any store (setup, inspection, cleanup). */
export async function pgQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `these tests need PostgreSQL at ${PG_URL} (start it, or set DATABASE_URL): ${(err as Error).message}`,
    );
  }
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A schema name of its own for one test, dropped (with everything in it) after the test. */
export function freshSchema(): string {
  const schema = `parley_test_${randomBytes(6).toString('hex')}`;
  onCleanup(() => pgQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  return schema;
}

/** A migrated store in `schema` (a fresh one by default), closed after the test. */
export async function pgStore(
  schema = freshSchema(),
  opts: Partial<PostgresStoreOptions> = {},
): Promise<PostgresStore> {
  const store = new PostgresStore({ connectionString: PG_URL, schema, connectTimeoutMs: 5000, ...opts });
  onCleanup(() => store.close());
  try {
    await store.start();
  } catch (err) {
    throw new Error(`these tests need PostgreSQL (start it, or set DATABASE_URL): ${(err as Error).message}`);
  }
  return store;
}
