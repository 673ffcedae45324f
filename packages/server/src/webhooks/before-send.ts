import { ErrorCode, formatMsgId, type TimeFormatter } from '@parley/protocol';
import type { Logger } from 'pino';
import type { MessageScreen, ScreenVerdict } from '../core/screening.js';
import { envelope } from './capture.js';
import { BEFORE_SEND } from './event-types.js';
import { type PostTarget, postSigned } from './post.js';

export interface BeforeSendOptions extends PostTarget {
  timeoutMs: number;
  /** What a check that failed (no answer, not 2xx, not a verdict) means: store (`open`) or refuse. */
  fail: 'open' | 'closed';
  /** A replacement text longer than this (UTF-8 bytes) is not a valid answer. */
  maxMessageBytes: number;
  time: TimeFormatter;
}

/** Longest reason passed on to the sender. */
const MAX_REASON = 200;

/**
 * `WEBHOOK_BEFORE_SEND`: POSTs `message.before_send` for every message before it is stored and
 * waits (at most `timeoutMs`) for a 2xx JSON verdict: `{"allow": false, "reason"?}` refuses it
 * (`REJECTED`), `{"allow": true, "message"?}` stores it, with `message` as its text when given.
 */
export class BeforeSendHook implements MessageScreen {
  constructor(
    private readonly opts: BeforeSendOptions,
    private readonly log: Logger,
  ) {}

  async check(m: Parameters<MessageScreen['check']>[0]): Promise<ScreenVerdict> {
    const body = envelope(BEFORE_SEND, m.timeMs, {
      fromId: m.fromId,
      toId: m.toId,
      chatMsg: {
        id: formatMsgId(m.msgId),
        type: m.type,
        message: m.body,
        time: this.opts.time(m.timeMs),
        ts: m.timeMs,
      },
    });
    const out = await postSigned(this.opts, body, BEFORE_SEND, this.opts.timeoutMs);
    let why: string;
    if (out.ok) {
      const verdict = this.verdictOf(out.text);
      if (typeof verdict !== 'string') return verdict;
      why = verdict;
    } else why = out.status === undefined ? out.error : `HTTP ${out.status}`;
    this.log.warn(
      { msgId: formatMsgId(m.msgId), why, fail: this.opts.fail },
      this.opts.fail === 'open'
        ? 'message check failed: message stored unchecked (WEBHOOK_BEFORE_SEND_FAIL=open)'
        : 'message check failed: message refused (WEBHOOK_BEFORE_SEND_FAIL=closed)',
    );
    return this.opts.fail === 'open'
      ? { outcome: 'allow' }
      : {
          outcome: 'refuse',
          code: ErrorCode.Unavailable,
          reason: 'the message check is not available; try again later',
        };
  }

  /** The verdict of a 2xx answer, or why it is none. */
  private verdictOf(text: string): ScreenVerdict | string {
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      return 'the answer is not JSON';
    }
    if (
      typeof answer !== 'object' ||
      answer === null ||
      typeof (answer as { allow?: unknown }).allow !== 'boolean'
    )
      return 'the answer has no boolean "allow"';
    const { allow, reason, message } = answer as { allow: boolean; reason?: unknown; message?: unknown };
    if (!allow) {
      const said =
        typeof reason === 'string' && reason.trim() !== '' ? reason.slice(0, MAX_REASON) : undefined;
      return { outcome: 'refuse', code: ErrorCode.Rejected, reason: said ?? 'the message was refused' };
    }
    if (message === undefined) return { outcome: 'allow' };
    if (typeof message !== 'string' || !message.isWellFormed()) return '"message" is not a valid string';
    if (Buffer.byteLength(message, 'utf8') > this.opts.maxMessageBytes)
      return '"message" is longer than MAX_MESSAGE_BYTES';
    return { outcome: 'allow', body: message };
  }
}
