import Database from 'better-sqlite3';
import type pg from 'pg';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { prepareStatements } from '../../src/store/sqlite/statements.js';
import { onCleanup, tempDir } from './test-server.js';

/**
 * A migrated SQLite database with the store's statements, and the plan SQLite picks for a
 * statement (`EXPLAIN QUERY PLAN`, every parameter bound to 1), as one line of its steps.
 */
export async function sqlitePlans() {
  const dir = tempDir();
  await new SqliteStore({ dataDir: dir }).close();
  const db = new Database(`${dir}/parley.db`);
  onCleanup(() => db.close());
  const sql = prepareStatements(db) as unknown as Record<string, { source: string }>;
  const plan = (text: string): string => {
    // named parameters (`@user`) as one object, plain ones one by one
    const names = [...text.matchAll(/@(\w+)/g)].map((m) => m[1]!);
    const params =
      names.length > 0
        ? [Object.fromEntries(names.map((n) => [n, 1]))]
        : text
            .split('?')
            .slice(1)
            .map(() => 1);
    return (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ');
  };
  return { db, sql, plan };
}

/**
 * The plan PostgreSQL picks for a statement with these parameter values, prepared as the store
 * prepares it (under the connection's current `plan_cache_mode`).
 */
export async function pgPlan(client: pg.Client, text: string, values: readonly unknown[]): Promise<string> {
  const literal = (v: unknown): string =>
    Array.isArray(v)
      ? `ARRAY[${v.map(literal).join(', ')}]::${typeof v[0] === 'number' ? 'bigint' : 'text'}[]`
      : v === null
        ? 'NULL'
        : typeof v === 'number'
          ? String(v)
          : client.escapeLiteral(String(v));
  await client.query(`PREPARE p AS ${text}`);
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN EXECUTE p(${values.map(literal).join(', ')})`,
  );
  await client.query('DEALLOCATE p');
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}
