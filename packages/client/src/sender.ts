import type { MsgTypeCode, SendMessageFrame, StatusNotice } from '@parley/protocol';
import { ParleyError } from './errors.js';
import type { IdPool } from './id-pool.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import type { RequestInit, RequestTable } from './requests.js';
import type { InboundFrame, SendResult } from './types.js';

const RECENT_RECIPIENTS = 1000;

export interface SenderDeps {
  userId: string;
  outbox: Outbox;
  requests: RequestTable;
  pool: IdPool;
  isReady(): boolean;
  /** The error the client closed with, if it did. */
  closedWith(): ParleyError | undefined;
  onError(err: ParleyError): void;
}

/**
 * Stored messages, through the outbox: an id from the pool, into the outbox, then written (now or
 * after the next connect) and rewritten after every reconnect until the server acknowledges it.
 * Sends are serialised, so messages go out in the order `send()` was called.
 */
export class Sender {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly recipients = new Map<string, string>();

  constructor(private readonly deps: SenderDeps) {}

  /** Messages a previous session left in a persistent outbox go out again with their ids. */
  loadOutbox(): void {
    const { outbox, userId } = this.deps;
    this.chain = this.chain.then(async () => {
      try {
        for (const entry of await outbox.list()) {
          if (entry.fromId === userId) this.track(entry).catch(() => undefined);
        }
      } catch (cause) {
        this.deps.onError(new ParleyError('PROTOCOL', 'could not read the outbox', { cause }));
      }
    });
  }

  send(toId: string, type: MsgTypeCode, message: string): Promise<SendResult> {
    const step = this.chain.then(async () => {
      const closed = this.deps.closedWith();
      if (closed) throw closed;
      const id = await this.deps.pool.take();
      const entry: OutboxEntry = { id, fromId: this.deps.userId, toId, type, message, createdAt: Date.now() };
      await this.deps.outbox.put(entry);
      // wrapped, so that the chain moves on without waiting for the acknowledgement
      return { acked: this.track(entry) };
    });
    this.chain = step.catch(() => undefined);
    return step.then((s) => s.acked);
  }

  /** The recipient of a message sent recently by this client. */
  recipientOf(id: string): string | undefined {
    return this.recipients.get(id);
  }

  /** The server acknowledged or refused the message for good: it leaves the outbox. */
  settled(id: string): void {
    this.deps.outbox.delete(id).catch((cause: unknown) => {
      this.deps.onError(new ParleyError('PROTOCOL', `could not remove ${id} from the outbox`, { cause, id }));
    });
  }

  private track(entry: OutboxEntry): Promise<SendResult> {
    this.recipients.set(entry.id, entry.toId);
    if (this.recipients.size > RECENT_RECIPIENTS)
      this.recipients.delete(this.recipients.keys().next().value!);
    const frame: SendMessageFrame = {
      action: '3',
      fromId: entry.fromId,
      toId: entry.toId,
      chatMsg: { id: entry.id, type: entry.type, message: entry.message, status: 0 },
    };
    const init: RequestInit = {
      kind: 'send',
      action: '3',
      frame,
      key: `3:${entry.id}`,
      resend: true,
      onTimeout: () => this.settled(entry.id),
    };
    return this.deps.requests.add(init, this.deps.isReady()).then(ackOf);
  }
}

/** The acknowledgement (action 4 status 1) as a `SendResult`. */
export function ackOf(frame: InboundFrame): SendResult {
  const c = (frame as StatusNotice).chatMsg;
  return { id: c.id, time: c.time, ts: c.ts };
}
