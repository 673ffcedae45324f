import { ErrorCode, type ErrorCodeValue } from '@parley/protocol';
import { CoreError } from '../core/core-error.js';
import { HttpError } from './http-error.js';

/** HTTP statuses of the core's refusals, for the server API. */
const statusOf: Partial<Record<ErrorCodeValue, number>> = {
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.BadMsgId]: 400,
  [ErrorCode.AuthFailed]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotMember]: 403,
  [ErrorCode.Muted]: 403,
  [ErrorCode.Blocked]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.UnknownUser]: 404,
  [ErrorCode.UnknownGroup]: 404,
  [ErrorCode.GroupFull]: 409,
  [ErrorCode.GroupDismissed]: 409,
  [ErrorCode.TooLarge]: 413,
  [ErrorCode.RecipientFull]: 429,
  [ErrorCode.QuotaExceeded]: 429,
};

export function httpStatusOf(code: string): number {
  return statusOf[code as ErrorCodeValue] ?? 400;
}

/** A refusal of the core as an HTTP error with the same code and reason. */
export function asHttpError(err: unknown): never {
  if (err instanceof CoreError) throw new HttpError(httpStatusOf(err.code), err.code, err.message);
  throw err;
}
