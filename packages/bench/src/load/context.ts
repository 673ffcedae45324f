import { type Histogram, latencyHistogram } from '../metrics/histogram.js';

export type Phase = 'setup' | 'warmup' | 'measure' | 'drain';

/** State shared by every client of one load run. Times are in microseconds of `nowUs()`. */
export interface LoadContext {
  phase: Phase;
  /** Latencies are recorded for messages sent in [measureStartUs, measureEndUs). */
  measureStartUs: number;
  measureEndUs: number;
  /** Window mode: unacknowledged messages per sender. 0 in rate mode. */
  window: number;
  /** Ids each sender keeps reserved ahead (fetched 10 at a time with action 2). */
  idsAhead: number;
  /** Rate mode: a sender with this many unacknowledged messages skips what falls due. */
  maxInflight: number;
  /** Length of each message text (the send time, then padding). */
  textBytes: number;
  ackHist: Histogram;
  e2eHist: Histogram;
  /** Rate mode: how late the generator sent each message after its intended time (its own lag). */
  lagHist: Histogram;
  /** Counted only while `phase` is `measure`. */
  counts: { sent: number; acked: number; delivered: number };
  errors: Map<string, number>;
  /** How recipients confirm what they receive (see `ConfirmMode`). */
  confirm: ConfirmMode;
}

/**
 * How recipients confirm deliveries: `each` message with its own action 4 status 1 (as a client
 * written from the seed would, had it confirmed), or every `CONFIRM_DELAY_MS` with one action 22
 * "received through" the highest position received, as the SDK does by default.
 */
export type ConfirmMode = 'each' | 'through';

/** Recipients confirm as the SDK does unless told otherwise (`--confirm`). */
export const DEFAULT_CONFIRM: ConfirmMode = 'through';

/** The SDK's default `confirmDelayMs`: recipients in `through` mode confirm this often at most. */
export const CONFIRM_DELAY_MS = 200;

export function newContext(opts: {
  window: number;
  idsAhead: number;
  textBytes: number;
  confirm?: ConfirmMode;
}): LoadContext {
  return {
    phase: 'setup',
    measureStartUs: Number.POSITIVE_INFINITY,
    measureEndUs: Number.POSITIVE_INFINITY,
    window: opts.window,
    idsAhead: opts.idsAhead,
    maxInflight: 10_000,
    textBytes: opts.textBytes,
    ackHist: latencyHistogram(),
    e2eHist: latencyHistogram(),
    lagHist: latencyHistogram(),
    counts: { sent: 0, acked: 0, delivered: 0 },
    errors: new Map(),
    confirm: opts.confirm ?? DEFAULT_CONFIRM,
  };
}

/** Microseconds on the monotonic clock of this process; senders and recipients share it. */
export function nowUs(): number {
  return performance.now() * 1000;
}

export function countError(ctx: LoadContext, key: string): void {
  ctx.errors.set(key, (ctx.errors.get(key) ?? 0) + 1);
}

/** Padding strings by length, made once (a text is then two concatenations, no slicing). */
const PADS = Array.from({ length: 4097 }, (_, n) => 'x'.repeat(n));

/**
 * The message text: the send time in µs, a space, the sender's message number k, a space, then
 * padding up to `bytes`.
 */
export function messageText(sendUs: number, k: number, bytes: number): string {
  const head = `${Math.round(sendUs)} ${k} `;
  return head.length >= bytes ? head : head + PADS[Math.min(4096, bytes - head.length)]!;
}

export function sendTimeOf(text: string): number {
  return Number(text.slice(0, text.indexOf(' ')));
}
