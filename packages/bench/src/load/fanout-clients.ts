import type { ClientFrame, ErrorFrame, ServerFrame } from '@parley/protocol';
import { Client, Sender } from './clients.js';
import type { LoadContext } from './context.js';
import type { FanoutTally, MemberLog } from './fanout-tally.js';

/** Setup requests that wait for their reply: create a group, add members, join a room. */
class Replies {
  private readonly waiting = new Map<
    string,
    { resolve: (f: ServerFrame) => void; reject: (e: Error) => void }
  >();

  expect(action: string): Promise<ServerFrame> {
    if (this.waiting.has(action)) throw new Error(`already waiting for an action ${action} reply`);
    return new Promise((resolve, reject) => this.waiting.set(action, { resolve, reject }));
  }

  /** Resolves the request waiting for this reply; false if none was. */
  settle(f: ServerFrame): boolean {
    const w = this.waiting.get(f.action);
    if (!w) return false;
    this.waiting.delete(f.action);
    w.resolve(f);
    return true;
  }

  /** Fails the request an error frame refers to; false if none was waiting for it. */
  fail(f: ErrorFrame): boolean {
    const action = f.ref?.action;
    const w = action === undefined ? undefined : this.waiting.get(action);
    if (!w || action === undefined) return false;
    this.waiting.delete(action);
    w.reject(Object.assign(new Error(`${f.code}: ${f.error}`), { code: f.code }));
    return true;
  }
}

/** What every member connection of a fan-out run can do: setup requests. */
export interface FanoutMember extends Client {
  readonly log: MemberLog;
  request(frame: ClientFrame, replyAction: string): Promise<ServerFrame>;
}

/**
 * A member connection that only listens: a group member or a chat room listener. It does not
 * confirm (action 1 without `confirms`, no action 4): like a client written from the seed
 * protocol, it leaves the proof of delivery to its WebSocket's pongs, which `ws` sends by itself
 * (for group messages Parley proves every client's deliveries by ping anyway, `confirms` or not).
 */
export class FanoutListener extends Client implements FanoutMember {
  protected override readonly declaresConfirms = false;
  readonly log: MemberLog;
  private readonly replies = new Replies();

  constructor(
    ctx: LoadContext,
    userId: string,
    readonly tally: FanoutTally,
  ) {
    super(ctx, userId);
    this.log = tally.memberLog(userId);
  }

  request(frame: ClientFrame, replyAction: string): Promise<ServerFrame> {
    const reply = this.replies.expect(replyAction);
    this.conn!.send(frame);
    return reply;
  }

  protected override fast(s: string): boolean {
    return this.tally.scan(this.log, s);
  }

  protected handle(f: ServerFrame): void {
    if (!this.replies.settle(f)) this.tally.frame(this.log, f);
  }

  protected override onError(f: ErrorFrame): void {
    this.replies.fail(f);
  }
}

/**
 * A member connection that also sends (rate mode, ids from action 2, acks read by `Sender`) to the
 * group or room, and receives the other senders' messages like any member. It must never get a
 * copy of its own messages: the sending connection gets the ack only.
 */
export class FanoutSender extends Sender implements FanoutMember {
  protected override readonly declaresConfirms = false;
  readonly log: MemberLog;
  private readonly replies = new Replies();

  constructor(
    ctx: LoadContext,
    userId: string,
    readonly tally: FanoutTally,
  ) {
    super(ctx, userId, '');
    this.log = tally.memberLog(userId);
  }

  request(frame: ClientFrame, replyAction: string): Promise<ServerFrame> {
    const reply = this.replies.expect(replyAction);
    this.conn!.send(frame);
    return reply;
  }

  protected override fast(s: string): boolean {
    return this.tally.scan(this.log, s) || super.fast(s);
  }

  protected override handle(f: ServerFrame): void {
    if (this.replies.settle(f)) return;
    if (f.action === '3') this.tally.frame(this.log, f);
    else super.handle(f);
  }

  protected override onError(f: ErrorFrame): void {
    if (!this.replies.fail(f)) super.onError(f);
  }
}
