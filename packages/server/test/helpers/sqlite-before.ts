import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/sqlite/schema.js';

/**
 * The SQLite file `dir/parley.db` as an older version of Parley left it: the migrations before
 * `step` (a migration of MIGRATIONS, or how many of them) applied and recorded, for a test to fill
 * and then open with the store, which migrates it the rest of the way.
 */
export function sqliteBefore(dir: string, step: string | number): Database.Database {
  const count = typeof step === 'number' ? step : MIGRATIONS.indexOf(step);
  if (count < 0) throw new Error('sqliteBefore: not one of the migrations');
  const db = new Database(`${dir}/parley.db`);
  for (const [v, sql] of MIGRATIONS.slice(0, count).entries()) {
    db.exec(sql);
    db.pragma(`user_version = ${v + 1}`);
  }
  return db;
}
