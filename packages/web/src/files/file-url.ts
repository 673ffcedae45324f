const FILE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The path on this page's origin of a file the server stored (`<fileBase>/files/<id>`): the page
 * loads it from where it came from, so the Content-Security-Policy (`img-src 'self'`) allows it
 * however the server was reached (localhost, 127.0.0.1, a proxy's name). Undefined for anything
 * else, which is shown as a plain link and never loaded by the page.
 */
export function ownFilePath(url: string, fileBase: string): string | undefined {
  for (const base of [fileBase, location.origin]) {
    const prefix = `${base.replace(/\/+$/, '')}/files/`;
    if (url.startsWith(prefix)) {
      const id = url.slice(prefix.length);
      if (FILE_ID.test(id)) return `/files/${id}`;
    }
  }
  return undefined;
}

/** The last path segment of a URL, decoded: a name to show for a file of unknown name. */
export function nameFromUrl(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').pop() ?? '';
    return decodeURIComponent(last) || url;
  } catch {
    return url;
  }
}

/** Images the server serves inline (the others are attachments) and the page may preview. */
const PREVIEWABLE = /^image\/(png|jpeg|gif|webp|avif|bmp)$/;

export function isPreviewableImage(mime: string): boolean {
  return PREVIEWABLE.test(mime);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
