#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { backupCommand } from './backup/backup-command.js';
import { ConfigError, helpText, parseCli } from './config/cli.js';
import { DataDirError } from './datadir/ensure-dir.js';
import { startServer } from './server.js';

/** Errors that a person fixes in the settings: printed as one line, exit code 2. */
function isSetupError(err: unknown): err is Error {
  return err instanceof ConfigError || err instanceof DataDirError;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

async function main(): Promise<void> {
  if (process.argv[2] === 'backup') {
    process.exitCode = await backupCommand(process.argv.slice(3), process.env);
    return;
  }
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (!isSetupError(err)) throw err;
    process.stderr.write(`parley: ${err.message}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(helpText());
    return;
  }
  if (parsed.version) {
    process.stdout.write(`parley ${version()}\n`);
    return;
  }
  const { config } = parsed;
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (err) {
    if (!isSetupError(err)) throw err;
    process.stderr.write(`parley: ${err.message}\n`);
    process.exit(2);
  }
  // before the line that says it is listening: whoever waits for that line may stop it at once
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`parley: ${signal} again, exiting at once\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`Parley stopping (${signal})\n`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`parley: shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  // These streams carry only notices (the log has its own destination): a reader that went away (a
  // closed pipe, EPIPE) must not stop the server, or cut its shutdown short.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  if (config.appSecret === undefined) {
    process.stdout.write(
      'Parley is in OPEN MODE: anyone who can reach it can connect as any user. Set APP_SECRET to require tokens.\n',
    );
  }
  process.stdout.write(
    `Parley listening on ${server.url} (WebSocket: ${server.url.replace(/^http/, 'ws')}/ws)\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`parley: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
