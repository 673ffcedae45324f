/**
 * Client-side pacing of writes: a token bucket (`ratePerSecond`, up to `burst`) in front of the
 * socket. Frames beyond it wait in order, so a large outbox flushed after a reconnect stays under
 * the server's frame rate limit (which would refuse frames with RATE_LIMITED) and keeps its order.
 */
export class Pacer {
  private tokens: number;
  private last: number;
  private readonly queue: { text: string; onWritten: (() => void) | undefined }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly send: (text: string) => boolean,
  ) {
    this.tokens = burst;
    this.last = Date.now();
  }

  /** Writes now if the budget allows, else queues behind what waits already. */
  write(text: string, onWritten?: () => void): void {
    this.queue.push({ text, onWritten });
    this.drain();
  }

  /** Drops what has not been written (the socket is gone; requests are rewritten after reconnect). */
  clear(): void {
    this.queue.length = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get queued(): number {
    return this.queue.length;
  }

  private drain(): void {
    while (this.queue.length > 0) {
      if (!this.take()) {
        if (this.timer === undefined) {
          const waitMs = Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.drain();
          }, waitMs);
        }
        return;
      }
      const item = this.queue.shift()!;
      if (this.send(item.text)) item.onWritten?.();
    }
  }

  private take(): boolean {
    if (this.ratePerSecond <= 0) return true;
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
