import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { stopAllChildren } from '../src/process/children.js';
import { silentProgress } from '../src/report/progress.js';
import { integrityOf } from '../src/report/results.js';
import { walSection } from '../src/report/wal-markdown.js';
import { wal } from '../src/scenarios/wal.js';
import { NO_TREE, readWalFrames, walPages } from '../src/tools/wal-pages.js';
import { requireBuiltServer } from './require-build.js';

const opened: { db: Database.Database; dir: string }[] = [];
afterEach(() => {
  for (const { db, dir } of opened.splice(0)) {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A data folder whose parley.db is open in WAL mode with checkpoints off (the WAL keeps every frame). */
function dataFolder() {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-wal-test-'));
  const db = new Database(path.join(dir, 'parley.db'));
  opened.push({ db, dir });
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec(`
    CREATE TABLE messages (msg_id INTEGER PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE timeline (user_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (user_id, seq)) WITHOUT ROWID;
    CREATE INDEX messages_by_body ON messages (body);
  `);
  db.pragma('wal_checkpoint(TRUNCATE)'); // the WAL starts empty: only what the test writes is in it
  return { dir, db };
}

describe('WAL pages per table and index', () => {
  it('counts every frame of every commit under the B-tree that holds its page', () => {
    const { dir, db } = dataFolder();
    const insert = db.prepare('INSERT INTO messages (msg_id, body) VALUES (?, ?)');
    const entry = db.prepare('INSERT INTO timeline (user_id, seq) VALUES (?, ?)');
    // three commits, each table one page: the first changes messages and its index, the others all three
    db.transaction(() => insert.run(1, 'a'))();
    for (let c = 0; c < 2; c++)
      db.transaction(() => {
        for (let i = 0; i < 3; i++) {
          insert.run(10 + c * 10 + i, `m${c}${i}`);
          entry.run(`u${i}`, c);
        }
      })();

    const w = walPages(dir);
    // read a few frames at a time, the same frames come out
    const file = path.join(dir, 'parley.db-wal');
    expect(readWalFrames(file, 3)).toEqual(readWalFrames(file));
    expect(w).toEqual({
      pageSize: 4096,
      frames: 8,
      commits: 3,
      messages: 7,
      trees: [
        { name: 'messages', frames: 3 },
        { name: 'messages_by_body', frames: 3 },
        { name: 'timeline', frames: 2 },
      ],
    });
  });

  it('counts a page under the tree that held it when it was written, though another holds it at the end', () => {
    const { dir, db } = dataFolder();
    // a table used as a queue: filled in one commit, emptied in the next, its leaves freed
    db.exec('CREATE TABLE queue (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const file = path.join(dir, 'parley.db-wal');
    const commits = () => {
      const out: number[][] = [[]];
      for (const f of readWalFrames(file).frames) {
        out[out.length - 1]!.push(f.page);
        if (f.commit) out.push([]);
      }
      return out.slice(0, -1);
    };
    const push = db.prepare('INSERT INTO queue (id, body) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= 40; i++) push.run(i, 'q'.repeat(400));
    })();
    db.exec('DELETE FROM queue');
    // messages then take the freed pages
    const insert = db.prepare('INSERT INTO messages (msg_id, body) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= 40; i++) insert.run(i, `${i}`.padStart(400, 'm'));
    })();

    const [filled, emptied, reused] = commits();
    expect(filled!.length).toBeGreaterThan(4); // the root, then leaves
    // the test means something only if pages changed hands
    expect(reused!.filter((p) => filled!.includes(p) && p !== 1).length).toBeGreaterThan(0);
    const w = walPages(dir);
    const framesOf = (name: string) => w.trees.find((t) => t.name === name)?.frames ?? 0;
    // every frame of the filling commit but page 1's (its header counts the pages), and the root (a
    // leaf now) in the emptying one
    expect(framesOf('queue')).toBe(filled!.filter((p) => p !== 1).length + 1);
    expect(emptied!.length).toBeGreaterThan(1); // the root, the free list's pages (nobody's)
    expect(w.trees.reduce((a, t) => a + t.frames, 0)).toBe(w.frames);
    expect(w.frames).toBe(filled!.length + emptied!.length + reused!.length);
  });

  it("finds a page's tree through the interior pages already in the database file", () => {
    const { dir, db } = dataFolder();
    const insert = db.prepare('INSERT INTO messages (msg_id, body) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= 40; i++) insert.run(i, 'b'.repeat(400));
    })();
    db.pragma('wal_checkpoint(TRUNCATE)'); // the root is an interior page now, in the file only
    // a row in the table's first leaf, and the index's: no interior page is written again
    db.prepare('UPDATE messages SET body = ? WHERE msg_id = 1').run('c'.repeat(400));
    const frames = readWalFrames(path.join(dir, 'parley.db-wal')).frames;
    expect(frames.every((f) => f.children === null)).toBe(true);
    const w = walPages(dir);
    expect(w.trees.find((t) => t.name === 'messages')?.frames).toBeGreaterThan(0);
    expect(w.trees.find((t) => t.name === NO_TREE)).toBeUndefined();
    expect(w.trees.reduce((a, t) => a + t.frames, 0)).toBe(frames.length);
  });

  it('stops at the frames of an earlier generation of the WAL', () => {
    const { dir, db } = dataFolder();
    db.prepare('INSERT INTO messages (msg_id, body) VALUES (1, ?)').run('x');
    const file = path.join(dir, 'parley.db-wal');
    const all = readWalFrames(file).frames.length;
    // a restarted WAL writes its header with new salts over the old one; the old frames remain after it
    const wal = readFileSync(file);
    wal.writeUInt32BE((wal.readUInt32BE(16) + 1) >>> 0, 16);
    writeFileSync(`${file}.copy`, wal);
    expect(all).toBeGreaterThan(0);
    expect(readWalFrames(`${file}.copy`).frames).toEqual([]);
  });

  it('refuses a file that is not a WAL', () => {
    const { dir } = dataFolder();
    const file = path.join(dir, 'not-a-wal');
    writeFileSync(file, Buffer.alloc(64));
    expect(() => readWalFrames(file)).toThrow(/not a SQLite WAL/);
  });
});

describe('the wal scenario', () => {
  afterAll(() => stopAllChildren(1000));

  it("counts what a real server's commits wrote, per table and index", async () => {
    requireBuiltServer();
    const result = await wal.run({
      mode: 'quick',
      targets: ['parley'],
      progress: silentProgress(),
      durationS: 1,
    });
    expect(result.kind).toBe('wal');
    if (result.kind !== 'wal') return;
    expect(integrityOf({ wal: result })).toEqual({ lost: 0, doubled: 0 });
    const [level] = result.levels;
    const w = level!.wal;
    // every acked message is stored, and the pages belong to the tables a stored message writes
    expect(w.messages).toBeGreaterThanOrEqual(level!.run.ackedPerSec * level!.run.durationS * 0.99);
    expect(w.commits).toBeGreaterThan(0);
    const names = w.trees.map((t) => t.name);
    for (const tree of ['messages', 'user_timeline', 'conversations', 'pending'])
      expect(names).toContain(tree);
    expect(w.trees.reduce((a, t) => a + t.frames, 0)).toBe(w.frames);
    expect(walSection(result)).toContain('| `user_timeline` |');
    // a load at a fixed rate is named by its rate
    const atRate = { pairs: 1000, rate: 2500, run: level!.run, wal: w };
    expect(walSection({ kind: 'wal', levels: [level!, atRate] })).toMatch(
      /\| 10 pairs, window 8 \|[^\n]*\n(.*\n)*\| 1,000 pairs at 2,500 msg\/s \|/,
    );
  });
});
