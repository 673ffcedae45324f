import {
  type ErrorFrame,
  MSG_ID_BATCH,
  MsgStatus,
  MsgType,
  parseMsgId,
  type SendMessageFrame,
  type ServerFrame,
  type StatusFrame,
} from '@parley/protocol';
import { recordUs } from '../metrics/histogram.js';
import { countError, type LoadContext, messageText, nowUs, sendTimeOf } from './context.js';
import type { Conn, Driver } from './drivers/driver.js';

/** A simulated user on one connection: action 1 first, then whatever its role does. */
export abstract class Client {
  conn: Conn | undefined;
  private onConnected: (() => void) | undefined;
  private expectingClose = false;

  constructor(
    readonly ctx: LoadContext,
    readonly userId: string,
  ) {}

  /** Opens the connection and completes action 1. Frames the server replays after it are handled. */
  async connect(driver: Driver, url: string, localAddress: string, timeoutMs = 60_000): Promise<void> {
    this.expectingClose = false;
    const conn = await driver.open(url, localAddress, {
      frame: (f) => this.onFrame(f),
      closed: (reason) => this.onClosed(conn, reason),
    });
    this.conn = conn;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no action 1 reply for ${this.userId}`)), timeoutMs);
      this.onConnected = () => {
        clearTimeout(timer);
        resolve();
      };
      conn.send({ action: '1', fromId: this.userId, confirms: true }); // it confirms what it receives
    });
  }

  close(): void {
    this.expectingClose = true;
    this.conn?.close();
    this.conn = undefined;
  }

  /** Drops the connection without a close handshake, as a lost network does. */
  drop(): void {
    this.expectingClose = true;
    this.conn?.drop();
    this.conn = undefined;
  }

  private onFrame(f: ServerFrame): void {
    if (f.action === '1') {
      this.onConnected?.();
      this.onConnected = undefined;
    } else if (f.action === '0') {
      countError(this.ctx, `server ${f.code}${f.ref?.action ? ` (action ${f.ref.action})` : ''}`);
      this.onError(f);
    } else {
      this.handle(f);
    }
  }

  private onClosed(conn: Conn, reason: string): void {
    if (this.conn === conn) this.conn = undefined;
    if (!this.expectingClose) countError(this.ctx, `connection lost (${reason})`);
  }

  protected abstract handle(f: ServerFrame): void;
  protected onError(_f: ErrorFrame): void {}
}

/**
 * Sends messages to one peer: a window of unacknowledged messages (window mode) or whatever the
 * scheduler makes due (rate mode), with ids fetched ahead by action 2.
 */
export class Sender extends Client {
  /** Message number → send time (µs); in rate mode the intended send time. */
  readonly inflight = new Map<number, number>();
  readonly acked = new Set<number>();
  /** Messages this sender may still send (the reconnect storm sends a fixed number). */
  budget = Number.POSITIVE_INFINITY;
  failed = 0;
  private ids: string[] = [];
  private idRequests = 0;
  private owed: number[] = [];

  constructor(
    ctx: LoadContext,
    userId: string,
    readonly peerId: string,
  ) {
    super(ctx, userId);
  }

  get idsReady(): number {
    return this.ids.length;
  }

  /** Rate mode: a message falls due at `intendedUs`. */
  due(intendedUs: number): void {
    if (this.inflight.size + this.owed.length >= this.ctx.maxInflight) {
      countError(this.ctx, 'generator: sender over its in-flight cap, message skipped');
      return;
    }
    this.owed.push(intendedUs);
    this.pump();
  }

  /** Sends what the window (or the schedule) allows, then tops up the reserved ids. */
  pump(): void {
    const { ctx } = this;
    if ((ctx.phase === 'warmup' || ctx.phase === 'measure') && this.conn) {
      if (ctx.window > 0) {
        while (this.inflight.size < ctx.window && this.ids.length > 0 && this.budget > 0) {
          this.sendOne(nowUs());
        }
      } else {
        while (this.owed.length > 0 && this.ids.length > 0) this.sendOne(this.owed.shift()!);
      }
    }
    if (ctx.phase !== 'drain') this.refill();
  }

  private refill(): void {
    const want = Math.min(this.ctx.idsAhead, this.budget);
    while (this.conn && this.ids.length + this.idRequests * MSG_ID_BATCH < want) {
      this.idRequests++;
      this.conn.send({ action: '2', fromId: this.userId });
    }
  }

  private sendOne(sendUs: number): void {
    const id = this.ids.shift()!;
    const num = parseMsgId(id);
    if (num === undefined) {
      countError(this.ctx, `generator: server gave a malformed id ${id}`);
      return;
    }
    this.budget--;
    this.inflight.set(num, sendUs);
    const { ctx } = this;
    if (ctx.window === 0 && sendUs >= ctx.measureStartUs && sendUs < ctx.measureEndUs) {
      recordUs(ctx.lagHist, nowUs() - sendUs);
    }
    const frame: SendMessageFrame = {
      action: '3',
      fromId: this.userId,
      toId: this.peerId,
      chatMsg: {
        id,
        type: MsgType.Text,
        message: messageText(sendUs, this.ctx.textBytes),
        status: MsgStatus.Sending,
      },
    };
    this.conn!.send(frame);
    if (this.ctx.phase === 'measure') this.ctx.counts.sent++;
  }

  protected handle(f: ServerFrame): void {
    if (f.action === '2') {
      this.idRequests--;
      for (const id of f.chatMsg.message.split(',')) this.ids.push(id);
      this.pump();
    } else if (f.action === '4' && f.chatMsg.status === 1) {
      const num = parseMsgId(f.chatMsg.id) ?? -1;
      const sentUs = this.inflight.get(num);
      if (sentUs === undefined) {
        countError(this.ctx, this.acked.has(num) ? 'ack repeated' : 'ack for an unknown id');
        return;
      }
      const { ctx } = this;
      this.inflight.delete(num);
      this.acked.add(num);
      if (ctx.phase === 'measure') ctx.counts.acked++;
      if (sentUs >= ctx.measureStartUs && sentUs < ctx.measureEndUs) recordUs(ctx.ackHist, nowUs() - sentUs);
      this.pump();
    }
  }

  protected override onError(f: ErrorFrame): void {
    if (f.ref?.action === '2') {
      this.idRequests--;
    } else if (f.ref?.action === '3' && f.ref.id !== undefined) {
      const num = parseMsgId(f.ref.id);
      if (num !== undefined && this.inflight.delete(num)) this.failed++;
    }
    this.pump();
  }
}

/** Receives one peer's messages, checks each arrives once and in order, and confirms it. */
export class Recipient extends Client {
  readonly delivered = new Set<number>();
  doubled = 0;
  outOfOrder = 0;
  misrouted = 0;
  private last = 0;

  constructor(
    ctx: LoadContext,
    userId: string,
    readonly peerId: string,
  ) {
    super(ctx, userId);
  }

  protected handle(f: ServerFrame): void {
    if (f.action !== '3') return;
    const now = nowUs();
    const { ctx } = this;
    if (f.fromId !== this.peerId || f.toId !== this.userId) {
      this.misrouted++;
      return;
    }
    const num = parseMsgId(f.chatMsg.id) ?? -1;
    if (this.delivered.has(num)) this.doubled++;
    else this.delivered.add(num);
    if (num < this.last) this.outOfOrder++;
    else this.last = num;
    if (ctx.phase === 'measure') ctx.counts.delivered++;
    const sentUs = sendTimeOf(f.chatMsg.message);
    if (sentUs >= ctx.measureStartUs && sentUs < ctx.measureEndUs) recordUs(ctx.e2eHist, now - sentUs);
    const confirm: StatusFrame = {
      action: '4',
      fromId: this.userId,
      toId: f.fromId,
      chatMsg: { id: f.chatMsg.id, status: 1 },
    };
    this.conn?.send(confirm);
  }
}

/** A user that connects and then stays idle (the idle-memory scenario). */
export class IdleClient extends Client {
  protected handle(): void {}
}
