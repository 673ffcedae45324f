import pg from 'pg';
import type { DispatchLease } from '../outbox.js';

/** First half of the advisory lock key of the webhook dispatcher ("whks"); the schema is the second. */
const DISPATCH_LOCK = 0x77686b73;

/**
 * The dispatch lease of a cluster: a session-level advisory lock (`pg_try_advisory_lock`) held on a
 * connection of its own. The lock lives as long as that connection: when the node dies (or its
 * connection does), PostgreSQL releases it and the next node that tries takes it.
 */
export class PgDispatchLease implements DispatchLease {
  private client: pg.Client | undefined;
  private holding = false;

  constructor(
    private readonly connectionString: string,
    private readonly schema: string,
    private readonly connectTimeoutMs: number,
  ) {}

  async acquire(): Promise<boolean> {
    if (this.holding && (await this.held())) return true;
    const client = await this.connect();
    try {
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS ok',
        [DISPATCH_LOCK, this.schema],
      );
      this.holding = rows[0]?.ok === true;
      return this.holding;
    } catch (err) {
      this.drop(client);
      throw err;
    }
  }

  async held(): Promise<boolean> {
    const client = this.client;
    if (!this.holding || !client) return false;
    try {
      await client.query('SELECT 1');
      return true;
    } catch {
      this.drop(client);
      return false;
    }
  }

  /** Ends the lease's session, which releases the lock. */
  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.holding = false;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.connectionString,
      connectionTimeoutMillis: this.connectTimeoutMs,
    });
    // a lost connection: the lock went with it (held() says so at its next check)
    client.on('error', () => this.drop(client));
    try {
      await client.connect();
      // the database notices a node cut off from it (not only one that died) within about 25 s,
      // ends the session and so frees the lock for another node
      await client.query(
        'SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3',
      );
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    this.client = client;
    return client;
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.holding = false;
    client.end().catch(() => {});
  }
}
