/** A statement with its parameter and row types; `name` makes pg prepare it once per connection. */
export interface Stmt<P extends unknown[], R> {
  readonly name: string;
  readonly text: string;
  /** Type carrier only. */
  readonly _types?: (p: P) => R;
}

/** A statement, named later (`nameStatements`) after its key. */
export function stmt<P extends unknown[] = [], R = never>(text: string): Stmt<P, R> {
  return { name: '', text };
}

/** Runs statements: on a transaction's client, or on the pool for reads. */
export interface Db {
  all<P extends unknown[], R>(s: Stmt<P, R>, ...params: P): Promise<R[]>;
  get<P extends unknown[], R>(s: Stmt<P, R>, ...params: P): Promise<R | undefined>;
  /** The number of rows written. */
  run<P extends unknown[], R>(s: Stmt<P, R>, ...params: P): Promise<number>;
}
