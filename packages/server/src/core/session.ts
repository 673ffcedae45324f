import {
  type ClientFrame,
  ErrorCode,
  type ErrorCodeValue,
  type ErrorFrame,
  type ErrorRef,
  refOf,
  type ServerFrame,
} from '@parley/protocol';
import type { Delivery } from '../bus/bus.js';
import type { ChatCore } from './chat-core.js';
import { CoreError } from './core-error.js';
import { handlers } from './handlers/index.js';
import type { Peer } from './peer.js';

type Phase = 'new' | 'replaying' | 'live' | 'closed';

/**
 * One client connection after the gateway: the connected user, the frames it sends, and the
 * frames routed to it. Until action 1 has completed, later frames wait their turn.
 */
export class Session {
  userId: string | undefined;
  private phase: Phase = 'new';
  /** Frames that arrived while action 1 was being handled run after it, in order. */
  private gate: Promise<void> | undefined;
  /** Live deliveries that arrive while the backlog is replayed, and the keys already replayed. */
  private held: Delivery[] = [];
  private replayed = new Set<string>();

  constructor(
    readonly core: ChatCore,
    readonly peer: Peer,
  ) {}

  receive(frame: ClientFrame): void {
    if (this.gate) {
      const next = this.gate.then(() => this.dispatch(frame));
      this.track(next);
      return;
    }
    const run = this.dispatch(frame);
    if (frame.action === '1') this.track(run);
  }

  private track(p: Promise<void>): void {
    this.gate = p;
    void p.then(() => {
      if (this.gate === p) this.gate = undefined;
    });
  }

  private async dispatch(frame: ClientFrame): Promise<void> {
    if (this.phase === 'closed') return;
    try {
      if (frame.action !== '1') {
        if (this.userId === undefined)
          throw new CoreError(ErrorCode.NotConnected, 'send action 1 (connect) first');
        if (frame.fromId !== this.userId) {
          throw new CoreError(ErrorCode.Forbidden, `fromId must be the connected user ${this.userId}`);
        }
      }
      const handler = handlers[frame.action] as (s: Session, f: ClientFrame) => void | Promise<void>;
      await handler(this, frame);
    } catch (err) {
      this.fail(err, refOf(frame));
    }
  }

  /** Sends an error frame for a failed request; unexpected errors are logged and reported as INTERNAL. */
  fail(err: unknown, ref?: ErrorRef): void {
    if (err instanceof CoreError) {
      this.sendError(err.code, err.message, ref);
      if (err.closeCode !== undefined) this.peer.close(err.closeCode, err.message.slice(0, 120));
      return;
    }
    this.core.log.error({ err, user: this.userId, ref }, 'request failed');
    this.sendError(ErrorCode.Internal, 'internal error', ref);
  }

  sendError(code: ErrorCodeValue, error: string, ref?: ErrorRef): void {
    const frame: ErrorFrame = { action: '0', code, error };
    if (this.userId !== undefined) frame.toId = this.userId;
    if (ref) frame.ref = ref;
    this.reply(frame);
  }

  reply(frame: ServerFrame): void {
    this.replyText(JSON.stringify(frame));
  }

  /** Sends an already serialized frame to this connection only. */
  replyText(text: string): void {
    if (this.phase !== 'closed') this.peer.send(text);
  }

  /** Binds the session to its user and starts holding live deliveries until the backlog is out. */
  bind(userId: string): void {
    this.userId = userId;
    this.phase = 'replaying';
    this.core.router.add(userId, this);
    this.peer.authenticated(userId);
    this.core.bus
      .join(userId)
      .catch((err: unknown) => this.core.log.error({ err, user: userId }, 'bus join failed'));
  }

  /** Sends a frame and remembers it was replayed, so that the same frame arriving live is dropped. */
  replay(d: Delivery, done?: (err?: Error) => void): void {
    if (this.phase === 'closed') {
      done?.(new Error('connection closed'));
      return;
    }
    this.replayed.add(d.key);
    this.send(d, done);
  }

  /** The backlog is out: release what arrived meanwhile, minus what the backlog already carried. */
  goLive(): void {
    if (this.phase !== 'replaying') return;
    this.phase = 'live';
    const held = this.held;
    this.held = [];
    for (const d of held) if (!this.replayed.has(d.key)) this.send(d);
    this.replayed.clear();
  }

  deliver(d: Delivery): void {
    if (this.phase === 'replaying') this.held.push(d);
    else if (this.phase === 'live') this.send(d);
  }

  private send(d: Delivery, done?: (err?: Error) => void): void {
    if (!d.key.startsWith('n')) {
      this.peer.send(d.frame, done); // messages stay pending until confirmed: no callback needed
      return;
    }
    this.peer.send(d.frame, (err) => {
      if (!err) this.noticeDelivered(d);
      done?.(err);
    });
  }

  private noticeDelivered(d: Delivery): void {
    const noticeId = Number(d.key.slice(1));
    this.core.commits.enqueue({ kind: 'noticeDone', userId: d.userId, noticeId }).catch((err: unknown) => {
      this.core.log.error({ err, user: d.userId }, 'could not drop a delivered notice');
    });
  }

  get isClosed(): boolean {
    return this.phase === 'closed';
  }

  /** Called by the core when the connection is gone. */
  detach(): void {
    if (this.phase === 'closed') return;
    const wasBound = this.userId !== undefined && this.phase !== 'new';
    this.phase = 'closed';
    this.held = [];
    if (wasBound && this.userId !== undefined) {
      this.core.router.remove(this.userId, this);
      const userId = this.userId;
      this.core.bus
        .leave(userId)
        .catch((err: unknown) => this.core.log.error({ err, user: userId }, 'bus leave failed'));
    }
  }
}
