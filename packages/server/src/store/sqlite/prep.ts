import type Database from 'better-sqlite3';

/** What the store uses of a prepared statement. */
export interface Stmt<P extends unknown[], R> {
  run(...params: P): { changes: number; lastInsertRowid: number | bigint };
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

export function prep<P extends unknown[] = [], R = unknown>(db: Database.Database, sql: string): Stmt<P, R> {
  return db.prepare<P, R>(sql);
}
