import type { ErrorCodeValue } from '@parley/protocol';

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
