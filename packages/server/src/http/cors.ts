import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS for the HTTP API: off unless origins are configured. Allowed origins get the
 * `Access-Control-*` headers; preflight requests are answered here (204, or 403 for an origin
 * that is not allowed). Kept as an onRequest hook rather than @fastify/cors, which answers a
 * refused preflight differently.
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

  /**
   * Adds headers for an allowed origin; returns the status of the preflight answer when the
   * request is one (the caller sends it), else undefined.
   */
  apply(req: IncomingMessage, res: ServerResponse): 204 | 403 | undefined {
    const origin = req.headers.origin;
    const allowed = origin !== undefined && (this.any || this.origins.has(origin));
    if (allowed) {
      res.setHeader('access-control-allow-origin', this.any ? '*' : origin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-expose-headers', 'content-length, content-range, etag, x-request-id');
    }
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined)
      return undefined;
    if (allowed) {
      // every method a route takes (DELETE: the admin API's account deletion)
      res.setHeader('access-control-allow-methods', 'GET, HEAD, POST, PUT, DELETE');
      res.setHeader('access-control-allow-headers', 'authorization, content-type, range, x-file-name');
      res.setHeader('access-control-max-age', '600');
    }
    return allowed ? 204 : 403;
  }
}
