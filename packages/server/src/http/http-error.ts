import type { ServerResponse } from 'node:http';
import type { HttpErrorBody } from '@parley/protocol';

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
export function sendError(res: ServerResponse, status: number, body: HttpErrorBody): void {
  sendJson(res, status, body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}
