// Builds the web client (packages/web → packages/web/dist) with Vite.
//
//   node scripts/build-web.mjs              build
//   node scripts/build-web.mjs --if-stale   only when dist is missing or older than a source
//   add --quiet to print warnings and errors only
//
// `npm run build`, `npm start` and the test setup run it, so a clean checkout gets the page.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = path.join(ROOT, 'packages/web');
const BUILT = path.join(WEB, 'dist/index.html');
/** What the bundle is made of: the page, the SDK and the protocol (taken from their sources). */
const SOURCES = [
  path.join(WEB, 'src'),
  path.join(WEB, 'public'),
  path.join(WEB, 'index.html'),
  path.join(WEB, 'vite.config.ts'),
  path.join(WEB, 'package.json'),
  path.join(ROOT, 'packages/client/src'),
  path.join(ROOT, 'packages/protocol/src'),
];

function newest(file) {
  let info;
  try {
    info = statSync(file);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const name of readdirSync(file)) latest = Math.max(latest, newest(path.join(file, name)));
  return latest;
}

/** True when dist is missing or a source changed after it was built. */
export function webBuildIsStale() {
  let built;
  try {
    built = statSync(BUILT).mtimeMs;
  } catch {
    return true;
  }
  return SOURCES.some((s) => newest(s) > built);
}

export async function buildWeb({ ifStale = false, quiet = false } = {}) {
  if (ifStale && !webBuildIsStale()) return false;
  const { build } = await import('vite');
  await build({ configFile: path.join(WEB, 'vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  try {
    await buildWeb({ ifStale: args.includes('--if-stale'), quiet: args.includes('--quiet') });
  } catch (err) {
    process.stderr.write(
      `parley: the web client build failed: ${err instanceof Error ? err.message : err}\n`,
    );
    process.exit(1);
  }
}
