import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { onCleanup, tempDir } from './helpers/test-server.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Whether a process with this id is still running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every process below `pid` (npm's shell, the server). */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  for (let frontier = [pid]; frontier.length > 0; ) {
    const next = rows.filter(([, ppid]) => frontier.includes(ppid)).map(([p]) => p);
    found.push(...next);
    frontier = next;
  }
  return found;
}

describe('npm start', () => {
  it('stops the server cleanly when npm itself gets SIGTERM', async () => {
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', DATA_DIR: tempDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout.on('data', (d) => {
      out += d;
    });
    const url = await new Promise<string>((resolve, reject) => {
      npm.stdout.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      npm.once('exit', (code) => reject(new Error(`npm start exited (${code}): ${out}`)));
    });
    const below = descendants(npm.pid!);
    expect(below.length).toBeGreaterThan(0);
    onCleanup(() => {
      for (const pid of below) if (alive(pid)) process.kill(pid, 'SIGKILL');
    });
    npm.kill('SIGTERM');
    const deadline = Date.now() + 10_000;
    while (below.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(below.filter(alive)).toEqual([]);
    expect(out).toContain('Parley stopping (SIGTERM)');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 60_000);
});
