import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NonBlockingDestination } from '../src/log/destination.js';
import { TestClient } from './helpers/test-client.js';
import { onCleanup, tempDir } from './helpers/test-server.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** A descriptor whose every write fails with ENOSPC, as on a full disk. */
function fullDisk(): number {
  const fd = openSync('/dev/full', 'w');
  onCleanup(() => closeSync(fd));
  return fd;
}

describe('logging to a full disk', () => {
  it('keeps serving, answers heartbeats and handshakes, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'debug', DATA_DIR: tempDir() },
      stdio: ['ignore', 'pipe', fullDisk()],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    onCleanup(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /WebSocket: (ws:\/\/\S+)\)/.exec(out);
        if (m) resolve(m[1]!);
      });
      void exited.then((code) => reject(new Error(`exited with ${code}`)));
    });
    // every connect, message and disconnect logs a line that cannot be written
    for (let round = 0; round < 20; round++) {
      const c = await TestClient.open(url);
      await c.connect(`user${round}`);
      c.send({ action: '5', fromId: `user${round}` });
      expect(await c.nextAction('5')).toEqual({ action: '5', toId: `user${round}` });
      await c.close();
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('drops lines past its bound instead of blocking or throwing, and flushes with a deadline', async () => {
    const dest = new NonBlockingDestination(fullDisk(), { maxBufferedBytes: 1000, retryMs: 5 });
    const line = `${JSON.stringify({ msg: 'x'.repeat(80) })}\n`;
    for (let i = 0; i < 100; i++) dest.write(line);
    expect(dest.droppedLines).toBeGreaterThan(80);
    const started = Date.now();
    await new Promise<void>((resolve) => dest.flush(() => resolve(), 100));
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('writes every line when the output works', async () => {
    const dest = new NonBlockingDestination(openSync('/dev/null', 'w'));
    for (let i = 0; i < 1000; i++) dest.write('{"msg":"ok"}\n');
    await new Promise<void>((resolve) => dest.flush(() => resolve(), 5000));
    expect(dest.droppedLines).toBe(0);
  });
});
