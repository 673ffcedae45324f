import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** A backup that could not be made; the message says why. Nothing is left at the target. */
export class BackupError extends Error {}

export interface BackupResult {
  /** The database copied: `DATA_DIR/parley.db`. */
  source: string;
  /** Where the copy is, absolute. */
  target: string;
  bytes: number;
}

/** Pages per backup step: all of them, so that the copy is one read transaction (one snapshot). */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies `DATA_DIR/parley.db` to `target` while a server may be writing it: a read-only
 * connection (no pid lock taken, nothing written to the live database) runs SQLite's online backup
 * in one step, which reads one consistent snapshot; in WAL mode that does not hold up the server's
 * commits. The copy is written under a temporary name beside the target, checked, switched to a
 * rollback journal (a single self-contained file), flushed to disk and only then renamed, so a
 * failed backup leaves no partial file. An existing target is refused unless `force`.
 */
export async function backupSqlite(
  dataDir: string,
  target: string,
  opts: { force: boolean },
): Promise<BackupResult> {
  const source = path.resolve(dataDir, 'parley.db');
  const dest = path.resolve(target);
  if (!existsSync(source)) throw new BackupError(`no database at ${source} (is DATA_DIR right?)`);
  if (dest === source || dest.startsWith(`${source}-`))
    throw new BackupError(`${target} is the live database; back up to another file`);
  if (kindOf(dest) === 'dir') throw new BackupError(`${target} is a folder; give a file name`);
  if (kindOf(dest) === 'file' && !opts.force)
    throw new BackupError(`${target} exists; pass --force to replace it`);
  if (kindOf(path.dirname(dest)) !== 'dir') throw new BackupError(`the folder of ${target} does not exist`);

  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await copySnapshot(source, tmp);
    finish(tmp);
    place(tmp, dest, opts.force, target);
  } catch (err) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(tmp + suffix, { force: true });
    if (err instanceof BackupError) throw err;
    throw new BackupError(`backup of ${source} failed: ${(err as Error).message}`);
  }
  syncFolder(path.dirname(dest));
  return { source, target: dest, bytes: statSync(dest).size };
}

async function copySnapshot(source: string, tmp: string): Promise<void> {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(tmp, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
}

/** Checks the copy and makes it one file (no -wal needed to open it), flushed to disk. */
function finish(tmp: string): void {
  const copy = new Database(tmp, { fileMustExist: true });
  try {
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`the copy failed its check: ${String(check)}`);
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Moves the finished copy into place; without `force`, never over a file that appeared meanwhile. */
function place(tmp: string, dest: string, force: boolean, target: string): void {
  if (force) {
    renameSync(tmp, dest);
    return;
  }
  try {
    linkSync(tmp, dest); // fails if dest exists: no window in which another file is replaced
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new BackupError(`${target} exists; pass --force to replace it`);
    // a file system without hard links
    if (existsSync(dest)) throw new BackupError(`${target} exists; pass --force to replace it`);
    renameSync(tmp, dest);
    return;
  }
  rmSync(tmp, { force: true });
}

/** Makes the rename itself durable (where the platform allows syncing a folder). */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported here (Windows): the copy itself is on disk already
  }
}

function kindOf(p: string): 'dir' | 'file' | 'missing' {
  try {
    return statSync(p).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}
