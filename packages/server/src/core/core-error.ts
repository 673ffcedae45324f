import type { ErrorCodeValue } from '@parley/protocol';

/** A request the core refuses; becomes a `{action:"0", code, error}` frame. */
export class CoreError extends Error {
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
  ) {
    super(message);
    this.name = 'CoreError';
  }
}
