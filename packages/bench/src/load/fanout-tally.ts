import type { ServerFrame } from '@parley/protocol';
import { type Histogram, latencyHistogram, recordUs } from '../metrics/histogram.js';
import type { Sender } from './clients.js';
import { countError, type LoadContext, nowUs, sendTimeOf } from './context.js';
import { intAt } from './scan.js';

/** What one member connection has received, by sender index and the sender's message number k. */
export interface MemberLog {
  readonly userId: string;
  /** By sender index: by k, 1 once this connection has the message. */
  seen: Uint8Array[];
  /** By sender index: the highest k received (a sender's messages must arrive in its order). */
  lastK: Int32Array;
}

/** Missing and surplus copies of a fan-out run, checked once the run has drained. */
export interface FanoutIntegrity {
  /** Copies of acknowledged messages that some member connection never got. */
  lost: number;
  /** Copies a member connection got twice or more. */
  doubled: number;
  /** A sender's message that reached a connection after a later one of the same sender. */
  outOfOrder: number;
  /** Copies sent back to the connection that sent the message (it must get the ack only). */
  echoed: number;
  /** Acknowledged messages that did not reach every member connection. */
  incomplete: number;
  /** Messages delivered (to someone) but never acknowledged to their sender. */
  unacked: number;
  /** Sent but neither acknowledged nor refused when the drain ended. */
  unanswered: number;
  /** Deliveries of something this run did not send, or to another conversation. */
  misrouted: number;
}

/** Grows a typed array to hold index `i` (doubling), keeping its contents. */
function fit<T extends Uint8Array | Int32Array>(a: T, i: number, make: (n: number) => T): T {
  if (i < a.length) return a;
  let n = Math.max(64, a.length * 2);
  while (n <= i) n *= 2;
  const b = make(n);
  b.set(a);
  return b;
}

const DELIVERY_HEAD = '{"action":"3"';
const FROM_KEY = '"fromId":"';
const MESSAGE_KEY = '"message":"';

/**
 * The bookkeeping of one fan-out run (a group or a chat room), shared by every member connection
 * of the run: they live in one generator thread and read one clock. A message is named by its
 * sender's index and the sender's message number k, both carried in the frame (`fromId`, and the
 * text as in 1:1 runs: send time, k, padding), so the check needs no server ids.
 *
 * Per delivery it records the latency from the (intended) send; per message it counts the member
 * connections that have it and, when the last one does, records "all members have it".
 */
export class FanoutTally {
  /** Each message should reach this many connections: every member connection but the sending one. */
  readonly expected: number;
  /** Send (intended) → the last member connection's copy, for messages sent in the measured window. */
  readonly allHist: Histogram = latencyHistogram();
  /** Messages that reached every member connection. */
  complete = 0;
  /** First copies received, all phases. */
  deliveries = 0;
  doubled = 0;
  outOfOrder = 0;
  echoed = 0;
  misrouted = 0;
  private conversation = '';
  private toNeedle = '"toId":""';
  private readonly senderIndex = new Map<string, number>();
  /** By sender index, by k: how many member connections have the message. */
  private have: Int32Array[];

  constructor(
    readonly ctx: LoadContext,
    readonly senderIds: readonly string[],
    connections: number,
  ) {
    this.expected = connections - 1;
    for (const [i, id] of senderIds.entries()) this.senderIndex.set(id, i);
    this.have = senderIds.map(() => new Int32Array(64));
  }

  get conversationId(): string {
    return this.conversation;
  }

  /** The group or room the run's messages go to (a group's id is known once it is created). */
  setConversation(id: string): void {
    this.conversation = id;
    this.toNeedle = `"toId":"${id}"`;
  }

  memberLog(userId: string): MemberLog {
    return {
      userId,
      seen: this.senderIds.map(() => new Uint8Array(64)),
      lastK: new Int32Array(this.senderIds.length).fill(-1),
    };
  }

  /** A delivery to the conversation read without JSON.parse; false leaves the frame to `frame`. */
  scan(log: MemberLog, s: string): boolean {
    if (!s.startsWith(DELIVERY_HEAD) || !s.includes(this.toNeedle)) return false;
    const f = s.indexOf(FROM_KEY);
    const m = s.indexOf(MESSAGE_KEY);
    if (f < 0 || m < 0) return false;
    const fromStart = f + FROM_KEY.length;
    const fromEnd = s.indexOf('"', fromStart);
    const t = m + MESSAGE_KEY.length;
    const sentUs = intAt(s, t);
    const k = sentUs < 0 ? -1 : intAt(s, s.indexOf(' ', t) + 1);
    if (fromEnd < 0 || k < 0) return false;
    this.received(log, s.slice(fromStart, fromEnd), sentUs, k);
    return true;
  }

  /** A parsed frame (the slow path): deliveries are counted, events and replies ignored. */
  frame(log: MemberLog, f: ServerFrame): void {
    if (f.action !== '3') return;
    const text = f.chatMsg.message;
    const k = Number(text.split(' ')[1]);
    if (f.toId !== this.conversation || !Number.isSafeInteger(k) || k < 0) {
      this.misrouted++;
      countError(this.ctx, `generator: a delivery that is not this run's (to ${f.toId})`);
      return;
    }
    this.received(log, f.fromId, sendTimeOf(text), k);
  }

  private received(log: MemberLog, fromId: string, sentUs: number, k: number): void {
    const now = nowUs();
    const s = this.senderIndex.get(fromId);
    if (s === undefined) {
      this.misrouted++;
      countError(this.ctx, `generator: a message from ${fromId}, who is not a sender of this run`);
      return;
    }
    if (fromId === log.userId) {
      // every user of the run has one connection: this is the sending one, which gets the ack only
      this.echoed++;
      return;
    }
    const seen = fit(log.seen[s]!, k, (n) => new Uint8Array(n));
    log.seen[s] = seen;
    if (seen[k] !== 0) {
      this.doubled++;
      return;
    }
    seen[k] = 1;
    this.deliveries++;
    if (k < log.lastK[s]!) this.outOfOrder++;
    else log.lastK[s] = k;
    const { ctx } = this;
    if (ctx.phase === 'measure') ctx.counts.delivered++;
    const inWindow = sentUs >= ctx.measureStartUs && sentUs < ctx.measureEndUs;
    if (inWindow) recordUs(ctx.e2eHist, now - sentUs);
    const have = fit(this.have[s]!, k, (n) => new Int32Array(n));
    this.have[s] = have;
    if (++have[k]! === this.expected) {
      this.complete++;
      if (inWindow) recordUs(this.allHist, now - sentUs);
    }
  }

  /** Once the run has drained: every acknowledged message at every member connection, once. */
  check(senders: readonly Sender[]): FanoutIntegrity {
    const out: FanoutIntegrity = {
      lost: 0,
      doubled: this.doubled,
      outOfOrder: this.outOfOrder,
      echoed: this.echoed,
      incomplete: 0,
      unacked: 0,
      unanswered: 0,
      misrouted: this.misrouted,
    };
    for (const [i, sender] of senders.entries()) {
      const s = this.senderIndex.get(sender.userId);
      if (s === undefined) throw new Error(`sender ${sender.userId} (${i}) is not in the tally`);
      const have = this.have[s]!;
      for (let k = 0; k < Math.max(sender.sent, have.length); k++) {
        const copies = k < have.length ? have[k]! : 0;
        const acked = k < sender.ackedByK.length && sender.ackedByK[k] === 1;
        if (acked && copies < this.expected) {
          out.lost += this.expected - copies;
          out.incomplete++;
        } else if (!acked && copies > 0) {
          if (k < sender.sent) out.unacked++;
          else out.misrouted++;
        }
      }
      out.unanswered += sender.inflight.size;
    }
    return out;
  }
}
