import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** A data folder that cannot be used; the message names the path. */
export class DataDirError extends Error {}

/**
 * Creates a folder and its missing parents one level at a time, so that every failure names the
 * path it is about. (Node's recursive mkdir never returns on some paths, such as under /proc.)
 */
export function ensureDir(dir: string): void {
  const absolute = path.resolve(dir);
  const missing: string[] = [];
  for (let p = absolute; ; p = path.dirname(p)) {
    const kind = kindOf(p);
    if (kind === 'dir') break;
    if (kind === 'other') throw new DataDirError(`${dir}: ${p} exists and is not a folder`);
    missing.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const p of missing) {
    try {
      mkdirSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && kindOf(p) === 'dir') continue;
      throw new DataDirError(`${dir}: unable to create the folder ${p} (${code ?? String(err)})`);
    }
  }
}

function kindOf(p: string): 'dir' | 'other' | 'missing' {
  try {
    return statSync(p).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}
