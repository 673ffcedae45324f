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
import { ThroughConfirmations } from './confirmations.js';
import { countError, type LoadContext, messageText, nowUs, sendTimeOf } from './context.js';
import type { Conn, Driver } from './drivers/driver.js';
import { idNumberAt, intAt, seqIn } from './scan.js';

/** A simulated user on one connection: action 1 first, then whatever its role does. */
export abstract class Client {
  conn: Conn | undefined;
  private onConnected: (() => void) | undefined;
  private expectingClose = false;
  /**
   * Whether action 1 declares `confirms`: the client confirms what it receives with action 4. A
   * client that does not is confirmed by the server once its WebSocket answers a ping (a pong proves
   * delivery), as a client written from the seed protocol is.
   */
  protected readonly declaresConfirms: boolean = true;

  constructor(
    readonly ctx: LoadContext,
    readonly userId: string,
  ) {}

  /** Opens the connection and completes action 1. Frames the server replays after it are handled. */
  async connect(driver: Driver, url: string, localAddress: string, timeoutMs = 60_000): Promise<void> {
    this.expectingClose = false;
    const conn = await driver.open(url, localAddress, {
      frame: (f) => this.onFrame(f),
      text: (s) => {
        if (!this.fast(s)) this.onFrame(JSON.parse(s) as ServerFrame);
      },
      closed: (reason) => this.onClosed(conn, reason),
    });
    this.conn = conn;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no action 1 reply for ${this.userId}`)), timeoutMs);
      this.onConnected = () => {
        clearTimeout(timer);
        resolve();
      };
      conn.send(
        this.declaresConfirms
          ? { action: '1', fromId: this.userId, confirms: true } // it confirms what it receives
          : { action: '1', fromId: this.userId },
      );
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

  /** The hot frames of a role, read straight from the JSON text; false: parse it and call `handle`. */
  protected fast(_s: string): boolean {
    return false;
  }

  protected abstract handle(f: ServerFrame): void;
  protected onError(_f: ErrorFrame): void {}
}

/** Grows a typed array to hold index `i` (doubling), keeping its contents. */
function fit<T extends Uint8Array | Float64Array>(a: T, i: number, make: (n: number) => T): T {
  if (i < a.length) return a;
  let n = a.length * 2;
  while (n <= i) n *= 2;
  const b = make(n);
  b.set(a);
  return b;
}

const ACK_HEAD = '{"action":"4"';
const DELIVERY_HEAD = '{"action":"3"';
const ID_KEY = '"id":"';
const STATUS_KEY = '"status":';
const MESSAGE_KEY = '"message":"';

/**
 * Sends messages to one peer: a window of unacknowledged messages (window mode) or whatever the
 * scheduler makes due (rate mode), with ids fetched ahead by action 2.
 *
 * The hot path allocates as little as it can: over a text driver (Parley, ws relay) action 3 frames
 * are string templates filled in with the id and the message text (no frame objects, no
 * JSON.stringify, no validation of its own frames; Socket.IO gets frame objects, as before), acks are read by a scanner (`fast`) and only unusual frames go through JSON.parse. Each
 * message is numbered 0, 1, 2, ... per sender (`k`, also in the message text), and the integrity
 * bookkeeping is per-k typed arrays instead of sets of ids.
 */
export class Sender extends Client {
  /** Message id number → the sender's message number k, for messages not acknowledged yet. */
  readonly inflight = new Map<number, number>();
  /** Messages this sender may still send (the reconnect storm sends a fixed number). */
  budget = Number.POSITIVE_INFINITY;
  failed = 0;
  /** Messages sent so far (the next k). */
  sent = 0;
  ackedCount = 0;
  /** By k: 1 once acknowledged. */
  ackedByK = new Uint8Array(1024);
  /** By k: the send time in µs (the intended one in rate mode). */
  sendUsByK = new Float64Array(1024);
  private ids: string[] = [];
  private idRequests = 0;
  private owed: number[] = [];
  private head: string;
  private readonly idsFrame: string;

  constructor(
    ctx: LoadContext,
    userId: string,
    public peerId: string,
  ) {
    super(ctx, userId);
    this.head = `{"action":"3","fromId":"${userId}","toId":"${peerId}","chatMsg":{"id":"`;
    this.idsFrame = JSON.stringify({ action: '2', fromId: userId });
  }

  /** Sends to `peerId` from now on (a group, whose id the server chose after the sender connected). */
  retarget(peerId: string): void {
    this.peerId = peerId;
    this.head = `{"action":"3","fromId":"${this.userId}","toId":"${peerId}","chatMsg":{"id":"`;
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
        if (this.inflight.size < ctx.window && this.ids.length > 0 && this.budget > 0) {
          const now = nowUs();
          while (this.inflight.size < ctx.window && this.ids.length > 0 && this.budget > 0) {
            this.sendOne(now);
          }
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
      if (this.conn.sendText) this.conn.sendText(this.idsFrame);
      else this.conn.send({ action: '2', fromId: this.userId });
    }
  }

  private sendOne(sendUs: number): void {
    const id = this.ids.shift()!;
    const num = idNumberAt(id, 0);
    if (num < 0) {
      countError(this.ctx, `generator: server gave a malformed id ${id}`);
      return;
    }
    const { ctx } = this;
    const k = this.sent++;
    this.budget--;
    this.inflight.set(num, k);
    this.sendUsByK = fit(this.sendUsByK, k, (n) => new Float64Array(n));
    this.sendUsByK[k] = sendUs;
    if (ctx.window === 0 && sendUs >= ctx.measureStartUs && sendUs < ctx.measureEndUs) {
      recordUs(ctx.lagHist, nowUs() - sendUs);
    }
    const text = messageText(sendUs, k, ctx.textBytes);
    const conn = this.conn!;
    if (conn.sendText) conn.sendText(`${this.head}${id}","type":0,"message":"${text}","status":0}}`);
    else {
      const frame: SendMessageFrame = {
        action: '3',
        fromId: this.userId,
        toId: this.peerId,
        chatMsg: { id, type: MsgType.Text, message: text, status: MsgStatus.Sending },
      };
      conn.send(frame);
    }
    if (ctx.phase === 'measure') ctx.counts.sent++;
  }

  /** An ack (action 4 status 1) read without JSON.parse; false leaves the frame to the slow path. */
  protected override fast(s: string): boolean {
    if (!s.startsWith(ACK_HEAD)) return false;
    const st = s.indexOf(STATUS_KEY);
    const at = s.indexOf(ID_KEY);
    if (st < 0 || at < 0 || s.charCodeAt(st + STATUS_KEY.length) !== 49 /* 1 */) return false;
    if (s.indexOf(ID_KEY, at + 1) >= 0) return false; // another "id": not the frame we know
    const num = idNumberAt(s, at + ID_KEY.length);
    if (num < 0) return false;
    this.onAck(num);
    return true;
  }

  private onAck(num: number): void {
    const k = this.inflight.get(num);
    if (k === undefined) {
      countError(this.ctx, 'ack for an unknown or already acknowledged id');
      return;
    }
    const { ctx } = this;
    this.inflight.delete(num);
    this.ackedByK = fit(this.ackedByK, k, (n) => new Uint8Array(n));
    this.ackedByK[k] = 1;
    this.ackedCount++;
    if (ctx.phase === 'measure') ctx.counts.acked++;
    const sentUs = this.sendUsByK[k]!;
    if (sentUs >= ctx.measureStartUs && sentUs < ctx.measureEndUs) recordUs(ctx.ackHist, nowUs() - sentUs);
    this.pump();
  }

  protected handle(f: ServerFrame): void {
    if (f.action === '2') {
      this.idRequests--;
      for (const id of f.chatMsg.message.split(',')) this.ids.push(id);
      this.pump();
    } else if (f.action === '4' && f.chatMsg.status === 1) {
      const num = parseMsgId(f.chatMsg.id);
      if (num === undefined) countError(this.ctx, 'ack for a malformed id');
      else this.onAck(num);
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

/**
 * Receives one peer's messages, checks each arrives once and in order, and confirms it. Deliveries
 * are read by a scanner (no JSON.parse) and confirmed with a string template.
 */
export class Recipient extends Client {
  deliveredCount = 0;
  /** By the sender's message number k: how many times it arrived. */
  deliveredByK = new Uint8Array(1024);
  doubled = 0;
  outOfOrder = 0;
  misrouted = 0;
  private last = -1;
  private readonly fromNeedle: string;
  private readonly toNeedle: string;
  private readonly confirmHead: string;
  /** `through` mode (ctx.confirm): one action 22 for what arrived, every CONFIRM_DELAY_MS at most. */
  private readonly through: ThroughConfirmations | undefined;

  constructor(
    ctx: LoadContext,
    userId: string,
    readonly peerId: string,
  ) {
    super(ctx, userId);
    this.fromNeedle = `"fromId":"${peerId}"`;
    this.toNeedle = `"toId":"${userId}"`;
    this.confirmHead = `{"action":"4","fromId":"${userId}","toId":"${peerId}","chatMsg":{"id":"`;
    if (ctx.confirm === 'through') this.through = new ThroughConfirmations(userId, () => this.conn);
  }

  override close(): void {
    this.through?.stop();
    super.close();
  }

  override drop(): void {
    this.through?.stop();
    super.drop();
  }

  protected override fast(s: string): boolean {
    if (!s.startsWith(DELIVERY_HEAD) || !s.includes(this.fromNeedle) || !s.includes(this.toNeedle)) {
      return false;
    }
    const at = s.indexOf(ID_KEY);
    const mt = s.indexOf(MESSAGE_KEY);
    if (at < 0 || mt < 0 || s.indexOf(ID_KEY, at + 1) >= 0) return false;
    const idStart = at + ID_KEY.length;
    const idEnd = s.indexOf('"', idStart);
    const t = mt + MESSAGE_KEY.length;
    const sentUs = intAt(s, t);
    const k = sentUs < 0 ? -1 : intAt(s, s.indexOf(' ', t) + 1);
    if (idEnd < 0 || k < 0) return false;
    this.onDelivery(k, sentUs);
    if (this.through) this.through.received(seqIn(s));
    else this.conn?.sendText?.(`${this.confirmHead}${s.slice(idStart, idEnd)}","status":1}}`);
    return true;
  }

  private onDelivery(k: number, sentUs: number): void {
    const now = nowUs();
    const { ctx } = this;
    this.deliveredByK = fit(this.deliveredByK, k, (n) => new Uint8Array(n));
    if (this.deliveredByK[k]! > 0) this.doubled++;
    else this.deliveredCount++;
    if (this.deliveredByK[k]! < 255) this.deliveredByK[k]!++;
    if (k < this.last) this.outOfOrder++;
    else this.last = k;
    if (ctx.phase === 'measure') ctx.counts.delivered++;
    if (sentUs >= ctx.measureStartUs && sentUs < ctx.measureEndUs) recordUs(ctx.e2eHist, now - sentUs);
  }

  protected handle(f: ServerFrame): void {
    if (f.action !== '3') return;
    if (f.fromId !== this.peerId || f.toId !== this.userId) {
      this.misrouted++;
      return;
    }
    const text = f.chatMsg.message;
    const sentUs = sendTimeOf(text);
    const k = Number(text.split(' ')[1]);
    if (!Number.isSafeInteger(k) || k < 0 || k > 1e9) {
      this.misrouted++;
      return;
    }
    this.onDelivery(k, sentUs);
    if (this.through) {
      this.through.received(f.chatMsg.seq ?? -1);
      return;
    }
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
