/**
 * The URL of a module as Node can load it in a worker thread. The build runs from `dist/*.js`,
 * where this is the URL itself; under a test runner that loads `src/*.ts` directly, a worker (which
 * has no TypeScript loader) gets the compiled twin in `dist/` instead, which the test command
 * builds first (`tsc -b`).
 */
export function compiledModuleUrl(url: string): string {
  if (!url.endsWith('.ts')) return url;
  const i = url.lastIndexOf('/src/');
  if (i < 0) return url;
  return `${url.slice(0, i)}/dist/${url.slice(i + '/src/'.length, -'.ts'.length)}.js`;
}
