import { existsSync } from 'node:fs';
import { serverMain } from '../src/paths.js';

/** Fails the test with what to do when the server it runs is not built. */
export function requireBuiltServer(): void {
  if (!existsSync(serverMain))
    throw new Error('the server is not built: run `npm run build` first (npm test does)');
}
