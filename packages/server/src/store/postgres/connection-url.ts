/** The database could not be reached or prepared at start; the message names the server. */
export class DatabaseStartError extends Error {}

/** `host:port/database` of a connection string, without credentials, for error messages. */
export function describeServer(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    const host = url.searchParams.get('host') ?? (url.hostname || 'localhost');
    const db = url.pathname.replace(/^\//, '') || '(default database)';
    return `${host}:${url.port || '5432'}/${decodeURIComponent(db)}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

/**
 * The connection string with the session settings applied at connection start (libpq `options`),
 * so every pooled connection has them without an extra round trip: the guards against a node that
 * hangs (before any `options` the URL has, so those win) and `search_path` (after them: it must be
 * the schema).
 */
export function sessionUrl(
  connectionString: string,
  schema: string,
  guards: { idleInTransactionTimeoutMs: number; statementTimeoutMs: number },
): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new DatabaseStartError('DATABASE_URL is not a URL (postgres://user:password@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new DatabaseStartError(`DATABASE_URL must start with postgres:// (not ${url.protocol}//)`);
  }
  const own = url.searchParams.get('options');
  const options = [
    `-c idle_in_transaction_session_timeout=${guards.idleInTransactionTimeoutMs}`,
    `-c statement_timeout=${guards.statementTimeoutMs}`,
    ...(own ? [own] : []),
    `-c search_path=${schema}`,
  ];
  url.searchParams.set('options', options.join(' '));
  return url.toString();
}
