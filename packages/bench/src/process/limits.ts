import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface FdLimit {
  soft: number;
  hard: number;
  /** What was done to get there. */
  note: string;
}

/** `Max open files` of a process, from /proc/<pid>/limits. */
export function readFdLimit(pid: number | 'self' = 'self'): { soft: number; hard: number } {
  const text = readFileSync(`/proc/${pid}/limits`, 'utf8');
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  const num = (s: string | undefined) =>
    s === undefined || s === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(s);
  return { soft: num(m?.[1]), hard: num(m?.[2]) };
}

/**
 * Raises this process's open-file limit with `prlimit --pid` (needs root or CAP_SYS_RESOURCE), so
 * that the load generator and every server child it spawns afterwards inherit it. Tens of thousands
 * of sockets need it: `ulimit -n` is often 1024 or 20000.
 */
export function raiseFdLimit(wanted = 65_536): FdLimit {
  const before = readFdLimit();
  if (before.soft >= wanted) return { ...before, note: `already ${before.soft}` };
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${wanted}:${wanted}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const after = readFdLimit();
    return { ...after, note: `raised from ${before.soft} with prlimit --pid` };
  } catch (err) {
    const why =
      String((err as { stderr?: Buffer }).stderr ?? '')
        .trim()
        .split('\n')[0] || 'prlimit failed';
    // Not root: at least use the hard limit.
    if (before.hard > before.soft) {
      try {
        execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${before.hard}:${before.hard}`], {
          stdio: 'ignore',
        });
      } catch {
        // keep what we have
      }
    }
    const after = readFdLimit();
    return { ...after, note: `could not raise to ${wanted} (${why}: needs CAP_SYS_RESOURCE)` };
  }
}
