import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** Content types of the files a Vite build writes (anything else is served as bytes). */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface FoundFile {
  file: string;
  size: number;
  mtimeMs: number;
}

/**
 * The regular file under `root` that a URL path names, or undefined. Refuses anything that could
 * leave the folder: an undecodable path, `..` or `.` segments (also percent-encoded), backslashes,
 * NUL, dot files, and symbolic links that point outside (checked on the real paths).
 */
export async function findStaticFile(root: string, pathname: string): Promise<FoundFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.length === 0 || segments.some((s) => s.startsWith('.'))) return undefined;
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  if (!inside(base, file)) return undefined;
  try {
    const [realBase, realFile] = await Promise.all([realpath(base), realpath(file)]);
    if (!inside(realBase, realFile)) return undefined;
    const info = await stat(realFile);
    if (!info.isFile()) return undefined;
    return { file: realFile, size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return undefined;
  }
}

function inside(base: string, file: string): boolean {
  const rel = path.relative(base, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
