import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { DataDirError, ensureDir } from './ensure-dir.js';

/** Lock files held by this process: a second server in the same process is refused too. */
const held = new Set<string>();

export interface DataDirLock {
  release(): void;
}

/**
 * Makes sure one server at a time uses a data folder: `parley.pid` holds the owner's process id.
 * A file left by a process that is gone (killed, crashed) is taken over; one whose process is alive
 * refuses the start, since two servers on one database would not see each other's connections.
 */
export function lockDataDir(dir: string): DataDirLock {
  ensureDir(dir);
  const file = path.join(path.resolve(dir), 'parley.pid');
  if (held.has(file)) throw inUse(dir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      held.add(file);
      return {
        release: () => {
          if (!held.delete(file)) return;
          if (ownerOf(file) === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new DataDirError(`${dir}: unable to create the lock file ${file} (${code ?? String(err)})`);
      }
      const owner = ownerOf(file);
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw inUse(dir, owner);
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new DataDirError(`${dir}: unable to take the lock file ${file}`);
}

function inUse(dir: string, pid: number): DataDirError {
  return new DataDirError(
    `the data folder ${dir} is in use by another Parley server (pid ${pid}); ` +
      'stop it first, or give this one another DATA_DIR',
  );
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
