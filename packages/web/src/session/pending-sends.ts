import type { MsgTypeCode, OutboxEntry } from '@parley/client';

interface Waiting {
  localKey: string;
  toId: string;
  type: MsgTypeCode;
  message: string;
}

/**
 * Matches `send()` calls to the outbox entries they create, to learn each message's id as soon
 * as it has one (before the server acknowledges it). The SDK handles sends one after the other,
 * in call order, so the oldest waiting call with the same content is the one.
 */
export class PendingSends {
  private waiting: Waiting[] = [];

  expect(localKey: string, toId: string, type: MsgTypeCode, message: string): void {
    this.waiting.push({ localKey, toId, type, message });
  }

  /** The local key of the call that created this entry, if one of ours did. */
  claim(entry: OutboxEntry): string | undefined {
    const i = this.waiting.findIndex(
      (w) => w.toId === entry.toId && w.type === entry.type && w.message === entry.message,
    );
    if (i < 0) return undefined;
    const [found] = this.waiting.splice(i, 1);
    return found?.localKey;
  }

  /** The call failed before it reached the outbox. */
  forget(localKey: string): void {
    this.waiting = this.waiting.filter((w) => w.localKey !== localKey);
  }
}
