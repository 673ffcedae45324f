import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { onCleanup, startTestServer } from '../../server/test/helpers/test-server.js';
import { ParleyClient } from '../src/index.js';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
const globals = globalThis as { WebSocket?: unknown };
const originalWebSocket = globals.WebSocket;
afterEach(() => {
  globals.WebSocket = originalWebSocket;
});

describe('runtime independence', () => {
  it('imports nothing at runtime but @parley/protocol and its own files', () => {
    for (const file of readdirSync(srcDir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(path.join(srcDir, file), 'utf8');
      const specifiers = [...text.matchAll(/^(?:import|export)\s(?!type\b)[^;]*?from\s+'([^']+)'/gms)].map(
        (m) => m[1],
      );
      for (const s of specifiers)
        expect(s, `${file} imports ${s}`).toMatch(/^(\.\/[\w-]+\.js|@parley\/protocol)$/);
      // no Node or DOM-only APIs (comments aside)
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/\b(Buffer|process\.|window\.|document\.|FileReader|require\()/);
    }
  });

  it('uses the global WebSocket when none is passed (as in browsers)', async () => {
    const t = await startTestServer();
    globals.WebSocket = WebSocket;
    const client = new ParleyClient({ url: t.wsUrl, userId: 'alice' });
    onCleanup(() => client.close());
    await client.connect();
    expect(client.state).toBe('connected');
  });

  it('says what to do when the runtime has no WebSocket', () => {
    globals.WebSocket = undefined;
    expect(() => new ParleyClient({ url: 'ws://127.0.0.1:1/ws', userId: 'alice' })).toThrow(/pass one/);
  });

  it('refuses bad options up front', () => {
    expect(() => new ParleyClient({ url: 'http://x/ws', userId: 'a', WebSocket })).toThrow(/ws:\/\//);
    expect(() => new ParleyClient({ url: 'ws://x/ws', userId: '', WebSocket })).toThrow(/userId/);
    expect(
      () => new ParleyClient({ url: 'ws://x/ws', userId: 'a', WebSocket, heartbeatIntervalMs: -1 }),
    ).toThrow(/positive/);
  });
});
