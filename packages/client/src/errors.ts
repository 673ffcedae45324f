import type { ErrorCodeValue } from '@parley/protocol';

/**
 * Codes the SDK raises itself, next to the server's `ErrorCode` values:
 * - `TIMEOUT`: no answer within `requestTimeoutMs` of the request going out (the outcome is unknown).
 * - `CLOSED`: the client was closed (or failed fatally) before the request was answered.
 * - `DISCONNECTED`: a transient request (ping, transient message) while not connected, or cut off
 *   by a disconnect (transient requests are never resent).
 * - `TOKEN_PROVIDER`: `getToken()` threw or rejected; the client retries with backoff.
 * - `INVALID_ARGUMENT`: the call was refused locally before anything was sent.
 * - `HTTP`: an HTTP request (file upload) failed with a status and no error code of its own.
 * - `PROTOCOL`: the server sent something the SDK could not make sense of.
 */
export type ClientErrorCode =
  | 'TIMEOUT'
  | 'CLOSED'
  | 'DISCONNECTED'
  | 'TOKEN_PROVIDER'
  | 'INVALID_ARGUMENT'
  | 'HTTP'
  | 'PROTOCOL';

export type ParleyErrorCode = ErrorCodeValue | ClientErrorCode;

export interface ParleyErrorDetails {
  /** The action of the request the error is about, when known. */
  action?: string;
  /** The message id the error is about, when known. */
  id?: string;
  /** The HTTP status, for HTTP errors. */
  status?: number;
  /** The WebSocket close code, for errors raised by a close. */
  closeCode?: number;
  cause?: unknown;
}

/** Every error the SDK rejects with or emits: `code` is the server's code or a `ClientErrorCode`. */
export class ParleyError extends Error {
  readonly code: ParleyErrorCode;
  readonly action: string | undefined;
  readonly id: string | undefined;
  readonly status: number | undefined;
  readonly closeCode: number | undefined;

  constructor(code: ParleyErrorCode, message: string, details: ParleyErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ParleyError';
    this.code = code;
    this.action = details.action;
    this.id = details.id;
    this.status = details.status;
    this.closeCode = details.closeCode;
  }
}

export function isParleyError(err: unknown): err is ParleyError {
  return err instanceof ParleyError;
}
