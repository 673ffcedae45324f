import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memTotalMiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started and ended: a busy machine shows here. */
  loadAvgStart: number;
  loadAvgEnd?: number;
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function machineInfo(): MachineInfo {
  return {
    nproc: os.availableParallelism(),
    cpuModel: cpuModel(),
    memTotalMiB: Math.round(os.totalmem() / (1024 * 1024)),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAvgStart: os.loadavg()[0]!,
  };
}

export interface SourceInfo {
  commit: string;
  /** Files of the server and protocol packages changed since that commit when the run started. */
  uncommitted: string[];
  /** When the newest file of packages/server/dist was written: the build that was measured. */
  serverBuiltAt: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Which Parley was measured: the git commit, and whether its server sources had local changes. */
export function sourceInfo(repoDir: string): SourceInfo {
  let serverBuiltAt = 'unknown';
  try {
    serverBuiltAt = new Date(newestMtime(path.join(repoDir, 'packages/server/dist'))).toISOString();
  } catch {
    // not built
  }
  const git = (args: string[]) => execFileSync('git', args, { cwd: repoDir, encoding: 'utf8' });
  try {
    const changed = git(['status', '--porcelain', '--', 'packages/server', 'packages/protocol']);
    return {
      commit: git(['rev-parse', '--short', 'HEAD']).trim(),
      uncommitted: changed
        .split('\n')
        .filter((l) => l.length > 3)
        .map((l) => l.slice(3)),
      serverBuiltAt,
    };
  } catch {
    return { commit: 'unknown', uncommitted: [], serverBuiltAt };
  }
}
