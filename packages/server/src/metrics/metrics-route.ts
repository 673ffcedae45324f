import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { bearer, sameSecret } from '../http/bearer.js';
import { HttpError } from '../http/http-error.js';
import type { PrometheusMetrics } from './prometheus-metrics.js';

export interface MetricsRouteConfig {
  /** When set, scrapes need `Authorization: Bearer <adminKey>`. */
  adminKey: string | undefined;
  /** With auth on and no admin key, `/metrics` is off rather than open (the admin API's rule). */
  requireKey: boolean;
}

/** `GET /metrics`: the Prometheus text format, behind the admin key like the admin API. */
export function addMetricsRoute(
  app: FastifyInstance,
  metrics: PrometheusMetrics,
  config: MetricsRouteConfig,
): void {
  app.get(
    '/metrics',
    {
      onRequest: async (req) => checkScrapeKey(req.raw, config),
      schema: {
        tags: ['operations'],
        security: [{ adminKey: [] }],
        summary: 'Prometheus metrics (text format)',
        produces: ['text/plain'],
        response: {
          200: { description: 'the Prometheus text format', type: 'string' },
          401: {
            description: 'refused',
            type: 'object',
            properties: { code: { type: 'string' }, error: { type: 'string' } },
          },
          403: {
            description: 'refused',
            type: 'object',
            properties: { code: { type: 'string' }, error: { type: 'string' } },
          },
        },
      },
    },
    async (_req, reply) => {
      const text = await metrics.text();
      return reply
        .code(200)
        .headers({
          'content-type': metrics.contentType,
          'content-length': Buffer.byteLength(text),
          'cache-control': 'no-store',
        })
        .send(text);
    },
  );
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
