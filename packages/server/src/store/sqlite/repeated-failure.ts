import type { Logger } from 'pino';

/** The log lines of a fault that repeats. */
export interface FailureLines {
  /** The first failure (warn). */
  failed: string;
  /** A failure a while after the last line, with how many there were since (warn). */
  still: string;
  /** The first success after failures, with how many there were (info). */
  recovered: string;
}

/**
 * Logs a fault that can repeat every few hundred milliseconds (a checkpoint pass on a full disk)
 * without flooding the log: its first failure, then at most one line every `everyMs` with the
 * count since, and one line when it works again.
 */
export class RepeatedFailure {
  private failures = 0;
  private sinceLine = 0;
  private lineAt = 0;

  constructor(
    private readonly log: Logger | undefined,
    private readonly lines: FailureLines,
    private readonly everyMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  failed(err: unknown): void {
    this.failures++;
    if (this.failures === 1) {
      this.line();
      this.log?.warn({ err }, this.lines.failed);
      return;
    }
    this.sinceLine++;
    if (this.now() - this.lineAt < this.everyMs) return;
    this.log?.warn({ err, failures: this.sinceLine }, this.lines.still);
    this.line();
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.log?.info({ failures: this.failures }, this.lines.recovered);
    this.failures = 0;
    this.sinceLine = 0;
  }

  private line(): void {
    this.lineAt = this.now();
    this.sinceLine = 0;
  }
}
