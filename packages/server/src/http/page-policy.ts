import type { IncomingMessage, ServerResponse } from 'node:http';

/** A `Host` header that may be written into a header: a name or an IPv6 literal, and a port. */
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The Content-Security-Policy of the web client: code, styles, fonts and images from this origin
 * only (images also from `blob:` previews and `data:`), no inline script, no plugins, no framing.
 * `connect-src` names the WebSocket of the host the page was loaded from (browsers before CSP 3
 * do not count ws: as 'self') and the origin of the token URL when that is another one.
 */
export function pagePolicy(host: string | undefined, tokenUrl: string | undefined): string {
  const connect = ["'self'"];
  if (host !== undefined && HOST.test(host)) connect.push(`ws://${host}`, `wss://${host}`);
  const tokenOrigin = originOf(tokenUrl);
  if (tokenOrigin !== undefined) connect.push(tokenOrigin);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "worker-src 'none'",
  ].join('; ');
}

/** Headers of every file of the web client; the policy itself goes on every answer too. */
export function setPageHeaders(
  req: IncomingMessage,
  res: ServerResponse,
  tokenUrl: string | undefined,
): void {
  res.setHeader('content-security-policy', pagePolicy(req.headers.host, tokenUrl));
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
}

/** The origin of an absolute http(s) URL (a path on this host needs nothing: it is 'self'). */
function originOf(url: string | undefined): string | undefined {
  if (url === undefined || !/^https?:\/\//i.test(url)) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
