import type { SendMessageFrame } from '@parley/protocol';
import { createEnvelope, encodeEnvelope } from './envelope.js';
import type { RequestTable } from './requests.js';
import { ackOf } from './sender.js';
import type { MessageContent, PingResult, SendResult } from './types.js';
import { checkMessage, checkUser } from './validate.js';

export interface TransientDeps {
  userId: string;
  requests: RequestTable;
  maxFrameBytes: number;
  /** Throws DISCONNECTED (or the closing error): transient frames are never queued. */
  ensureConnected(): void;
}

/**
 * Transient messages (`store: false`, B5): never stored, only for connections open now, never
 * queued nor resent. PING/PONG online checks travel this way.
 */
export class TransientSender {
  private counter = Math.floor(Math.random() * 1_000_000_000);

  constructor(private readonly deps: TransientDeps) {}

  send(to: string, content: MessageContent): Promise<SendResult> {
    try {
      this.deps.ensureConnected();
      const { type, message } = checkMessage(this.deps.userId, to, content, this.deps.maxFrameBytes);
      return this.write(to, `T_${++this.counter}`, type, message, 'transient').then(ackOf);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** A PING envelope; the peer's SDK answers with a PONG of the same number. */
  async ping(user: string): Promise<PingResult> {
    checkUser(user);
    this.deps.ensureConnected();
    const id = `PING_${++this.counter}`;
    const message = encodeEnvelope(createEnvelope('PING', this.deps.userId, { msgId: id }));
    const start = Date.now();
    const pong = await this.write(user, id, 2, message, 'ping');
    return { rttMs: Date.now() - start, userId: pong.action === '3' ? pong.fromId : user };
  }

  private write(toId: string, id: string, type: 0 | 1 | 2, message: string, kind: 'transient' | 'ping') {
    const frame: SendMessageFrame = {
      action: '3',
      fromId: this.deps.userId,
      toId,
      store: false,
      chatMsg: { id, type, message },
    };
    return this.deps.requests.add({ kind, action: '3', frame, key: `3:${id}`, resend: false }, true);
  }
}
