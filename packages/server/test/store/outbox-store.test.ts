import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { freshSchema, pgQuery, pgStore } from '../helpers/postgres.js';
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
