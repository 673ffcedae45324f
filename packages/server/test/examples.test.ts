import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers/test-server.js';

const example = (name: string) => fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));

function run(file: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('examples', () => {
  it('seed-chat.mjs runs its whole conversation against a server', async () => {
    const t = await startTestServer();
    const { code, out } = await run(example('seed-chat.mjs'), [t.wsUrl]);
    expect(code).toBe(0);
    expect(out).toContain('HK0002 <- {"action":"3","fromId":"HK0001","toId":"HK0002"');
    expect(out).toMatch(
      /HK0001 <- \{"action":"4","fromId":"HK0002","toId":"HK0001","chatMsg":\{"id":"MSG000001","status":2\}\}/,
    );
    expect(out).toMatch(/HK0001 <- \{"action":"12".*"status":2/);
  });

  it('sdk-chat.mjs chats through the built SDK', async () => {
    const t = await startTestServer();
    const { code, out } = await run(example('sdk-chat.mjs'), [t.wsUrl]);
    expect(code).toBe(0);
    expect(out).toMatch(/\[bob\] MSG\d+ from alice: Hello Bob 👋 你好 😀/);
    expect(out).toMatch(/\[alice\] MSG\d+ was read by bob/);
    expect(out).toMatch(/end-to-end PING\/PONG with bob: \d+ ms/);
  });
});
