import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `packages/bench/`, whether this module runs from `src/` (Vitest) or `dist/` (the CLI). */
export const benchDir = fileURLToPath(new URL('..', import.meta.url));
export const repoDir = path.resolve(benchDir, '../..');
export const serverMain = path.join(repoDir, 'packages/server/dist/main.js');
export const resultsDir = path.join(benchDir, 'results');

/** The built entry point of a baseline relay (`ws-relay`, `socketio-relay`). */
export function baselineScript(name: string): string {
  return path.join(benchDir, 'dist/baselines', `${name}.js`);
}
