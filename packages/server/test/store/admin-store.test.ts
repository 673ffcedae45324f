import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { pgStore } from '../helpers/postgres.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { describeAdminContract } from './admin-contract.js';

describeAdminContract('sqlite', async () => {
  const store = new SqliteStore({ dataDir: tempDir() });
  onCleanup(() => store.close());
  return store;
});

describeAdminContract('postgres', () => pgStore());
