import { CONFIRM_DELAY_MS } from './context.js';
import type { Conn } from './drivers/driver.js';

/**
 * A recipient's confirmations in `through` mode, as the SDK sends them: the highest timeline
 * position received, in one action 22 at most every `CONFIRM_DELAY_MS`.
 */
export class ThroughConfirmations {
  private seen = 0;
  private confirmed = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly head: string;

  constructor(
    private readonly userId: string,
    private readonly conn: () => Conn | undefined,
  ) {
    this.head = `{"action":"22","fromId":"${userId}","seq":`;
  }

  /** A delivery at position `seq`; without one (the relays do not number them), the next position. */
  received(seq: number): void {
    this.seen = seq > 0 ? Math.max(this.seen, seq) : this.seen + 1;
    if (this.timer === undefined) this.timer = setTimeout(this.flush, CONFIRM_DELAY_MS).unref();
  }

  /** The connection is closing: what was not confirmed stays pending, as with the SDK's dropped batch. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly flush = (): void => {
    this.timer = undefined;
    const conn = this.conn();
    if (conn === undefined || this.seen <= this.confirmed) return;
    this.confirmed = this.seen;
    if (conn.sendText) conn.sendText(`${this.head}${this.seen}}`);
    else conn.send({ action: '22', fromId: this.userId, seq: this.seen });
  };
}
