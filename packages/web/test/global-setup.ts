import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Vitest global setup: the browser tests load the built web client from the server, so build it
 * when it is missing or older than its sources (a clean checkout: `npm ci && npm test`). Fast when
 * it is current: a walk over the sources' modification times.
 */
export default function buildWebClient(): void {
  const script = fileURLToPath(new URL('../../../scripts/build-web.mjs', import.meta.url));
  execFileSync(process.execPath, [script, '--if-stale', '--quiet'], { stdio: 'inherit' });
}
