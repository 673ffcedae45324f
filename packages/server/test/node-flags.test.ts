import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../src/runtime/node-flags.js';

const root = new URL('../../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

describe('the Node flags the server runs with', () => {
  it('are on every command line that starts it: npm start and the Dockerfile', () => {
    expect(NODE_FLAGS.length).toBeGreaterThan(0);
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start!;
    const cmd = read('Dockerfile')
      .split('\n')
      .find((l) => l.startsWith('CMD '))!;
    const startArgs = start.split(' ');
    const cmdArgs = JSON.parse(cmd.slice(4)) as string[];
    for (const flag of NODE_FLAGS) {
      expect(startArgs).toContain(flag);
      expect(cmdArgs).toContain(flag);
      // flags go before the script: after it they would be the script's arguments
      expect(startArgs.indexOf(flag)).toBeLessThan(startArgs.indexOf('scripts/start.mjs'));
      expect(cmdArgs.indexOf(flag)).toBeLessThan(cmdArgs.indexOf('packages/server/dist/main.js'));
    }
  });

  it('are accepted by this Node: an unknown flag would stop the server from starting at all', () => {
    const run = spawnSync(process.execPath, [...NODE_FLAGS, '-e', 'process.stdout.write("ran")'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('ran');
  });
});
