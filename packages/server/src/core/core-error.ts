import { ErrorCode, type ErrorCodeValue } from '@parley/protocol';

/** A request the core refuses; becomes a `{action:"0", code, error}` frame. */
export class CoreError extends Error {
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
    /** When set, the connection is closed with this code after the error frame. */
    readonly closeCode?: number,
  ) {
    super(message);
    this.name = 'CoreError';
  }
}

/** The recipient blocked the sender, who is told so (docs/security.md says why). */
export function blockedBy(userId: string): CoreError {
  return new CoreError(ErrorCode.Blocked, `${userId} does not accept messages from you`);
}
