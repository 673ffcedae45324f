import type { PoolClient } from 'pg';
import { MIGRATIONS } from './migrations.js';

/** Key of the advisory lock that serialises migrations (with the schema name as its second half). */
const MIGRATION_LOCK = 0x70726c79; // "prly"

/** A schema name Parley accepts: a plain lower-case identifier, so it never needs quoting rules. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaTooNewError extends Error {}

/**
 * Brings `schema` to the current version in one transaction. Safe when several nodes start at
 * once: each takes the same advisory lock (released at COMMIT) before it reads the version, so one
 * migrates and the others then find nothing to do. Returns the version found and the version now.
 */
export async function migrate(client: PoolClient, schema: string): Promise<{ from: number; to: number }> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [MIGRATION_LOCK, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`SET LOCAL search_path TO "${schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS parley_schema (
         version INTEGER PRIMARY KEY,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ v: number }>(
      'SELECT COALESCE(MAX(version), 0)::int AS v FROM parley_schema',
    );
    const from = rows[0]?.v ?? 0;
    if (from > SCHEMA_VERSION) {
      throw new SchemaTooNewError(
        `the database schema "${schema}" is at version ${from}, newer than this Parley knows ` +
          `(${SCHEMA_VERSION}): run a newer Parley, or restore the backup taken before the upgrade`,
      );
    }
    for (let v = from; v < SCHEMA_VERSION; v++) {
      await client.query(MIGRATIONS[v]!);
      await client.query('INSERT INTO parley_schema (version) VALUES ($1)', [v + 1]);
    }
    await client.query('COMMIT');
    return { from, to: SCHEMA_VERSION };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
