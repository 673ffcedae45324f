// `npm start`: builds (the TypeScript, and the web client when its sources changed), then runs the server in this very process.
//
// npm runs scripts through `sh -c`, and sh does not pass signals on: `kill <npm pid>` would stop
// npm and sh and leave the server running. So the server runs here, and stops (gracefully, as on
// SIGTERM) when the process that started it goes away.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const build = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  process.stderr.write('parley: the build failed (see above)\n');
  process.exit(build.status ?? 1);
}
// the web client at / (rebuilt only when its sources changed)
const web = spawnSync(
  process.execPath,
  [fileURLToPath(new URL('build-web.mjs', import.meta.url)), '--if-stale', '--quiet'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (web.status !== 0) {
  process.stderr.write('parley: the web client build failed (see above)\n');
  process.exit(web.status ?? 1);
}

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 250).unref();

await import('../packages/server/dist/main.js');
