#!/usr/bin/env node
import { ConfigError, helpText, parseCli } from './config/cli.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`parley: ${err.message}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(helpText());
    return;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(parsed.config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`parley: ${err.message}\n`);
    process.exit(2);
  }
  process.stdout.write(
    `Parley listening on ${server.url} (WebSocket: ${server.url.replace(/^http/, 'ws')}/ws)\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
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
}

main().catch((err: unknown) => {
  process.stderr.write(`parley: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
