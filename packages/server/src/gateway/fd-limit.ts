import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Connections allowed when the descriptor limit cannot be read (Windows, unusual systems). */
export const FALLBACK_MAX_CONNECTIONS = 10_000;

/**
 * The soft limit on open file descriptors of this process (`ulimit -n`), or undefined when it is
 * unlimited or cannot be read. Node raises the soft limit to the hard limit at start.
 */
export function readFdLimit(): number | undefined {
  try {
    if (process.platform === 'linux') {
      const line = readFileSync('/proc/self/limits', 'utf8')
        .split('\n')
        .find((l) => l.startsWith('Max open files'));
      return parseLimit(line?.slice('Max open files'.length).trim().split(/\s+/)[0]);
    }
    if (process.platform !== 'win32') {
      // a child inherits our limits
      const r = spawnSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 });
      return r.status === 0 ? parseLimit(r.stdout.trim()) : undefined;
    }
  } catch {
    // unreadable: fall back
  }
  return undefined;
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/**
 * The most connections the descriptor limit allows, keeping a reserve (a tenth, at least 128) for
 * the database, uploads, downloads and HTTP requests.
 */
export function connectionCeiling(fdLimit: number | undefined): number {
  if (fdLimit === undefined) return FALLBACK_MAX_CONNECTIONS;
  const reserve = Math.max(128, Math.ceil(fdLimit / 10));
  return Math.max(fdLimit - reserve, 1);
}
