import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/config/cli.js';
import { spawnServer } from './helpers/server-process.js';
import { startTestServer, tempDir } from './helpers/test-server.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Runs the built server to completion (it is expected to refuse to start). */
function run(env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, [MAIN, ...args], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
}

describe('starting the server', () => {
  it('names the path when the data folder cannot be created, instead of hanging', () => {
    const r = run({ DATA_DIR: '/proc/parley-test/data' });
    expect(r.error).toBeUndefined(); // not killed by the timeout
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\/proc\/parley-test/);
  });

  it('names the path when the data folder is a file', () => {
    const file = path.join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    const r = run({ DATA_DIR: file });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file} exists and is not a folder`);
  });

  it('refuses a second server on the same data folder, in another process or this one', async () => {
    const dataDir = tempDir();
    const first = await spawnServer({ DATA_DIR: dataDir });
    const second = run({ DATA_DIR: dataDir });
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(/in use by another Parley server \(pid \d+\)/);
    first.child.kill('SIGKILL');
    await first.exited;
    // the lock of a killed server is taken over
    const third = await startTestServer({}, {}, dataDir);
    await expect(startTestServer({}, {}, dataDir)).rejects.toThrow(/in use by another Parley server/);
    await third.stop();
    const fourth = await startTestServer({}, {}, dataDir); // released by a clean stop
    await fourth.stop();
  });

  it('refuses an empty or blank APP_SECRET or ADMIN_KEY instead of starting open', () => {
    expect(() => parseCli([], { APP_SECRET: '' })).toThrow(/APP_SECRET is set but blank/);
    expect(() => parseCli([], { APP_SECRET: ' '.repeat(40) })).toThrow(/APP_SECRET is set but blank/);
    expect(() => parseCli(['--app-secret', ''], {})).toThrow(/--app-secret is set but blank/);
    expect(() => parseCli([], { ADMIN_KEY: '  ' })).toThrow(/ADMIN_KEY is set but blank/);
    const r = run({ DATA_DIR: tempDir(), APP_SECRET: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('APP_SECRET is set but blank');
  });

  it('says loudly when it runs in open mode', async () => {
    const open = await spawnServer({ DATA_DIR: tempDir() });
    expect(open.stdout()).toMatch(/OPEN MODE/);
    open.child.kill('SIGTERM');
    await open.exited;
    const closed = await spawnServer({ DATA_DIR: tempDir(), APP_SECRET: 's'.repeat(32) });
    expect(closed.stdout()).not.toMatch(/OPEN MODE/);
  });

  it('prints its version', () => {
    const r = run({}, ['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^parley \d+\.\d+\.\d+\n$/);
  });
});

describe('stopping the server', () => {
  it('stops cleanly on SIGTERM after the reader of its stdout went away', async () => {
    const p = await spawnServer({ DATA_DIR: tempDir() });
    p.child.stdout!.destroy(); // the pipe's reader is gone: the next line written there fails (EPIPE)
    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
  });
});
