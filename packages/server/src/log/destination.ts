import { write } from 'node:fs';

export interface DestinationOptions {
  /** Log bytes kept while the output cannot take them; beyond this, new lines are dropped. */
  maxBufferedBytes?: number;
  /** Wait before writing again after an error (a full disk, a pipe nobody reads). */
  retryMs?: number;
}

/**
 * Where log lines go: a file descriptor written asynchronously, one write at a time. Logging must
 * never block or kill the server, so unlike pino's own destination this one never retries in a
 * loop and never waits: while the output fails (ENOSPC, EIO, EPIPE, EAGAIN) lines pile up to a
 * bound and are then dropped and counted, and once writing works again a line says how many were
 * lost. Nothing is ever written synchronously.
 */
export class NonBlockingDestination {
  private queue: Buffer[] = [];
  private queued = 0;
  private writing = false;
  private dropped = 0;
  private failedSince: number | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly maxBuffered: number;
  private readonly retryMs: number;

  constructor(
    private readonly fd: number,
    opts: DestinationOptions = {},
  ) {
    this.maxBuffered = opts.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.retryMs = opts.retryMs ?? 1000;
  }

  /** Called by pino with one serialized line. */
  write(line: string): boolean {
    const buf = Buffer.from(line);
    if (this.queued + buf.length > this.maxBuffered) {
      this.dropped++;
      return false;
    }
    this.queue.push(buf);
    this.queued += buf.length;
    this.kick();
    return true;
  }

  /** Lines lost so far because the output could not take them. */
  get droppedLines(): number {
    return this.dropped;
  }

  private kick(): void {
    if (this.writing || this.retryTimer || this.queue.length === 0) return;
    this.writing = true;
    const chunk = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue);
    write(this.fd, chunk, 0, chunk.length, null, (err, n) => {
      this.writing = false;
      if (err) {
        this.fail();
        return;
      }
      this.consume(n);
      this.recovered();
      this.kick();
    });
  }

  /** Drops the first `n` queued bytes (a write may take part of a chunk). */
  private consume(n: number): void {
    let left = n;
    while (left > 0 && this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.length <= left) {
        left -= head.length;
        this.queue.shift();
      } else {
        this.queue[0] = head.subarray(left);
        left = 0;
      }
    }
    this.queued -= n;
  }

  private fail(): void {
    this.failedSince ??= Date.now();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private recovered(): void {
    if (this.failedSince === undefined || this.dropped === 0) {
      this.failedSince = undefined;
      return;
    }
    const note = {
      level: 40,
      time: Date.now(),
      service: 'parley',
      dropped: this.dropped,
      since: new Date(this.failedSince).toISOString(),
      msg: 'log output failed; lines were dropped',
    };
    this.failedSince = undefined;
    this.dropped = 0;
    this.queue.push(Buffer.from(`${JSON.stringify(note)}\n`));
    this.queued += this.queue[this.queue.length - 1]!.length;
  }

  /**
   * Calls back once what is queued has been written, or after `timeoutMs` if the output is stuck
   * (pino calls this from `logger.flush(cb)`). Never writes synchronously: a full pipe or disk
   * must not hold up a shutdown.
   */
  flush(cb?: (err?: Error) => void, timeoutMs = 1000): void {
    if (!cb) return;
    const deadline = Date.now() + timeoutMs;
    const check = (): void => {
      if (this.queue.length === 0 || Date.now() >= deadline) cb();
      else setTimeout(check, 10).unref();
    };
    check();
  }
}
