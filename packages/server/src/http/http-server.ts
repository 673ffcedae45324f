import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { CorsPolicy } from './cors.js';
import { HttpError, sendError } from './http-error.js';
import { beginRequest } from './request-id.js';
import type { HttpRouter } from './router.js';

/** The node:http server: routes requests, turns failures into `{code, error}` replies. */
export function createHttpServer(router: HttpRouter, log: Logger, cors: CorsPolicy): Server {
  const server = createServer((req, res) => {
    const reqLog = beginRequest(req, res, log);
    if (cors.apply(req, res)) return;
    void handle(router, reqLog, req, res);
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  return server;
}

async function handle(
  router: HttpRouter,
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { handler, params } = router.match(req.method ?? 'GET', url.pathname);
    await handler(req, res, params, url);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof HttpError) {
      // the rest of an oversized body is not read: answer, then close the connection
      if (err.status === 413) res.setHeader('connection', 'close');
      sendError(res, err.status, { code: err.code, error: err.message });
      return;
    }
    log.error({ err, method: req.method, url: req.url }, 'http request failed');
    sendError(res, 500, { code: 'INTERNAL', error: 'internal error' });
  }
}
