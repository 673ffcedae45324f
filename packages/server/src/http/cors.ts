import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS for the HTTP API: off unless origins are configured. Allowed origins get the
 * `Access-Control-*` headers; preflight requests are answered here.
 */
export class CorsPolicy {
  private readonly any: boolean;
  private readonly origins: Set<string>;

  constructor(setting: string | undefined) {
    const list = (setting ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/$/, ''))
      .filter(Boolean);
    this.any = list.includes('*');
    this.origins = new Set(list);
  }

  /** Adds headers for an allowed origin; returns true when it answered a preflight itself. */
  apply(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    const allowed = origin !== undefined && (this.any || this.origins.has(origin));
    if (allowed) {
      res.setHeader('access-control-allow-origin', this.any ? '*' : origin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-expose-headers', 'content-length, content-range, etag, x-request-id');
    }
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
    if (allowed) {
      res.setHeader('access-control-allow-methods', 'GET, HEAD, POST, PUT');
      res.setHeader('access-control-allow-headers', 'authorization, content-type, range, x-file-name');
      res.setHeader('access-control-max-age', '600');
    }
    res.writeHead(allowed ? 204 : 403).end();
    return true;
  }
}
