import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const source = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The web client builds to `dist/`: `index.html` and hashed files under `assets/` (served with
 * long-cache headers by the Parley server). The SDK and the protocol are taken from their sources,
 * so the build does not depend on `tsc -b` having run.
 */
export default defineConfig({
  root: source('.'),
  base: '/',
  publicDir: source('public'),
  resolve: {
    alias: {
      '@parley/client': source('../client/src/index.ts'),
      '@parley/protocol': source('../protocol/src/index.ts'),
    },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: source('dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // no inline script for the preload polyfill: the page's CSP allows scripts from 'self' only
    modulePreload: { polyfill: false },
    // every asset is a file (no data: URLs in CSS or JS); fonts and icons ship with the package
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
      '/files': 'http://127.0.0.1:8080',
      '/config.json': 'http://127.0.0.1:8080',
      '/v1': 'http://127.0.0.1:8080',
    },
  },
});
