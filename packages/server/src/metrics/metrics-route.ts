import type { IncomingMessage } from 'node:http';
import { bearer, sameSecret } from '../http/bearer.js';
import { HttpError } from '../http/http-error.js';
import type { HttpRouter } from '../http/router.js';
import type { PrometheusMetrics } from './prometheus-metrics.js';

export interface MetricsRouteConfig {
  /** When set, scrapes need `Authorization: Bearer <adminKey>`. */
  adminKey: string | undefined;
  /** With auth on and no admin key, `/metrics` is off rather than open (the admin API's rule). */
  requireKey: boolean;
}

/** `GET /metrics`: the Prometheus text format, behind the admin key like the admin API. */
export function addMetricsRoute(
  router: HttpRouter,
  metrics: PrometheusMetrics,
  config: MetricsRouteConfig,
): void {
  router.on('GET', '/metrics', async (req, res) => {
    checkScrapeKey(req, config);
    const text = await metrics.text();
    res.writeHead(200, {
      'content-type': metrics.contentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : text);
  });
}

function checkScrapeKey(req: IncomingMessage, config: MetricsRouteConfig): void {
  if (config.adminKey === undefined) {
    if (config.requireKey)
      throw new HttpError(
        403,
        'FORBIDDEN',
        '/metrics is off: APP_SECRET is set and ADMIN_KEY is not; set ADMIN_KEY to scrape it',
      );
    return;
  }
  if (!sameSecret(bearer(req), config.adminKey)) {
    throw new HttpError(401, 'AUTH_FAILED', '/metrics needs Authorization: Bearer <admin key>');
  }
}
