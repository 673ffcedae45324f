import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/config/cli.js';
import { defaultConfig, OPTIONS } from '../src/config/config.js';

describe('configuration', () => {
  it('uses the documented defaults', () => {
    expect(parseCli([], {})).toEqual({ help: false, config: defaultConfig });
    expect(defaultConfig).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './data',
      timeZone: 'UTC',
    });
  });

  it('reads the environment, and flags win over it', () => {
    const r = parseCli(['--port', '9001', '--time-zone=Asia/Shanghai'], {
      PORT: '9000',
      DATA_DIR: '/tmp/x',
      HEARTBEAT_INTERVAL_MS: '5000',
    });
    expect(r).toMatchObject({
      help: false,
      config: { port: 9001, dataDir: '/tmp/x', timeZone: 'Asia/Shanghai', heartbeatIntervalMs: 5000 },
    });
  });

  it('refuses bad values with a reason', () => {
    expect(() => parseCli(['--port', '70000'], {})).toThrow(/port/);
    expect(() => parseCli([], { PORT: 'x' })).toThrow(/PORT must be an integer/);
    expect(() => parseCli(['--sqlite-sync', 'maybe'], {})).toThrow(/normal, full/);
    expect(() => parseCli(['--bogus', '1'], {})).toThrow(/unknown option --bogus/);
    expect(() => parseCli(['--port'], {})).toThrow(/needs a value/);
    expect(() => parseCli([], { TIME_ZONE: 'Nowhere/Else' })).toThrow(/TIME_ZONE/);
    expect(() => parseCli([], { COMMIT_GAP_MS: '250' })).toThrow(
      /COMMIT_GAP_MS must be an integer from 0 to 100/,
    );
    expect(parseCli(['--commit-gap-ms', '2'], {})).toMatchObject({ config: { commitGapMs: 2 } });
  });

  it('has a variable and a flag for every setting, and documents each in operations.md', () => {
    const keys = Object.keys(defaultConfig).sort();
    expect(OPTIONS.map((o) => o.key).sort()).toEqual(keys);
    const doc = readFileSync(fileURLToPath(new URL('../../../docs/operations.md', import.meta.url)), 'utf8');
    for (const o of OPTIONS) {
      expect(doc, o.env).toContain(`\`${o.env}\``);
      expect(doc, o.flag).toContain(`\`${o.flag}\``);
    }
  });

  it('reads switches and secrets', () => {
    const secret = 'x'.repeat(32);
    expect(parseCli(['--insecure-open', '--app-secret', secret], {})).toMatchObject({
      config: { insecureOpen: true, appSecret: secret },
    });
    expect(parseCli([], { INSECURE_OPEN: 'true', MAX_FRAMES_PER_SECOND: '0' })).toMatchObject({
      config: { insecureOpen: true, framesPerSecond: 0 },
    });
    expect(() => parseCli([], { APP_SECRET: 'short' })).toThrow(/APP_SECRET: the value is not valid/);
    expect(() => parseCli([], { INSECURE_OPEN: 'maybe' })).toThrow(/true or false/);
  });

  it('prints --help from the built binary', () => {
    const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    const r = spawnSync(process.execPath, [main, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: parley/);
    for (const o of OPTIONS) expect(r.stdout).toContain(o.env);
  });
});
