import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RECOVERED_HELD_ROWS } from '../../src/store/sqlite/held-recovery.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { relayLine } from '../../src/store/sqlite/writer/thread-log.js';
import { capturingLog } from '../helpers/capturing-log.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { crashImage, setUp, talk, talking } from './held-rows-fixture.js';

const TIMED_WRITE_FAILED =
  'writing the held rows (timeline entries, conversations, pending messages, used ids) failed';

/**
 * The writer thread's own log lines (its store's and its checkpoint thread's) reach the event
 * loop's logger: the thread has no log of its own.
 */
describe('SqliteStore writer thread: its log', () => {
  it("logs a failed timed write of the held rows on the server's log, with the database's error", async () => {
    const dir = tempDir();
    const { log, next } = capturingLog('info');
    const store = new SqliteStore({ dataDir: dir, log });
    onCleanup(() => store.close());
    const free = await setUp(store);
    // every pending row written from now on fails, as a full disk would fail it
    const other = new Database(path.join(dir, 'parley.db'));
    onCleanup(() => other.close());
    other.exec(
      "CREATE TRIGGER boom BEFORE INSERT ON pending BEGIN SELECT RAISE(ABORT, 'the disk is on fire'); END",
    );
    await talk(store, free, 0, 1); // its pending row is held in the thread, then written by the hold timer
    const line = await next(TIMED_WRITE_FAILED);
    expect(line.level).toBe(50); // error
    expect(line.err).toMatchObject({ message: 'the disk is on fire', code: 'SQLITE_CONSTRAINT_TRIGGER' });
    expect(line.pid).toBe(process.pid); // logged by the server's logger, with its own fields
    // the rows stayed held: once the disk is back, closing writes them
    other.exec('DROP TRIGGER boom');
    await store.close();
    const pending = other.prepare('SELECT COUNT(*) AS n FROM pending').get() as { n: number };
    expect(pending.n).toBe(1);
  });

  it("logs the recovery after a crash on the server's log, with its counts", async () => {
    // checkpoints inside commits: nothing changes the files between two writes
    const { dir, store, free, sent } = await talking(3, { checkpointIntervalMs: 0 });
    await talk(store, free, 3, 5, sent);
    expect(store.holdsRows).toBe(true);
    const crashed = crashImage(dir);
    const { log, next } = capturingLog('info');
    const reopened = new SqliteStore({ dataDir: crashed, log });
    onCleanup(() => reopened.close());
    await reopened.opened();
    const line = await next(RECOVERED_HELD_ROWS);
    expect(line).toMatchObject({ level: 40, users: expect.any(Number), pending: expect.any(Number) });
    expect(line.pending).toBeGreaterThan(0);
  });

  it('logs a line that is not JSON as it is, and a level it does not know as a warning', () => {
    const { lines, log } = capturingLog('info');
    relayLine(log, 'not json');
    relayLine(log, JSON.stringify({ level: 33, msg: 'odd', n: 1 }));
    relayLine(undefined, JSON.stringify({ level: 50, msg: 'nobody listens' }));
    expect(lines.map(({ level, msg, line, n }) => ({ level, msg, line, n }))).toEqual([
      { level: 40, msg: 'SQLite writer thread: a log line that is not JSON', line: 'not json', n: undefined },
      { level: 40, msg: 'odd', line: undefined, n: 1 },
    ]);
  });
});
