/**
 * What a browser may render inline from our origin. Everything else, in particular HTML, SVG,
 * JavaScript and XML, is served as an attachment so that an upload can never run as our page.
 */
const INLINE = /^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/[\w.+-]+|video\/[\w.+-]+|text\/plain)$/;
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

export function isInlineSafe(mime: string): boolean {
  return INLINE.test(mime);
}

/** The media type of an upload, from its Content-Type (parameters dropped), or octet-stream. */
export function normalizeMime(contentType: string | undefined): string {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return MIME.test(base) ? base : 'application/octet-stream';
}

/** A file name safe to store and to put in a header: no path, no control characters, bounded. */
export function sanitizeName(raw: string | null | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  const wellFormed = clean.isWellFormed() ? clean : clean.toWellFormed();
  return wellFormed.slice(0, 200) || 'file';
}

/** `Content-Disposition` for a stored name (RFC 6266 with an ASCII fallback). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
