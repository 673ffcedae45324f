import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** An incoming `X-Request-Id` is kept if it is 1 to 128 of letters, digits and `- _ . : / + = @`. */
const SANE_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;

const loggers = new WeakMap<IncomingMessage, Logger>();

/** The request's own `X-Request-Id` when it is sane (a proxy's or client's), else a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
}

/**
 * Gives an HTTP request its id: echoed in the `X-Request-Id` response header and carried by every
 * log line about the request (a pino child logger, returned). Each request also gets one debug
 * line when it ends, with its status and duration.
 */
export function beginRequest(req: IncomingMessage, res: ServerResponse, log: Logger): Logger {
  const reqId = requestIdOf(req);
  res.setHeader('x-request-id', reqId);
  const reqLog = log.child({ reqId });
  loggers.set(req, reqLog);
  const started = performance.now();
  res.once('close', () => {
    const fields = {
      method: req.method,
      url: req.url,
      status: res.statusCode,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (res.writableFinished) reqLog.debug(fields, 'http request');
    else reqLog.debug(fields, 'http request: connection closed before the answer was sent');
  });
  return reqLog;
}

/** The logger of a request, with its id on every line (the server's logger if it has none). */
export function requestLog(req: IncomingMessage, fallback: Logger): Logger {
  return loggers.get(req) ?? fallback;
}
