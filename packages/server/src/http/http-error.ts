import type { HttpErrorBody } from '@parley/protocol';
import type { FastifyReply } from 'fastify';

/** An HTTP refusal with a stable code and a reason, sent as `{code, error}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Sends a refusal as `{code, error}`. */
export function sendError(reply: FastifyReply, status: number, body: HttpErrorBody): FastifyReply {
  return sendJson(reply, status, body);
}

/** Sends a JSON answer, never cached, never sniffed. */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  const text = JSON.stringify(body);
  return reply
    .code(status)
    .headers({
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    .send(text);
}

export function notFound(pathname: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', `no route ${pathname}`);
}
