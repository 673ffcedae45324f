import {
  conversationKind,
  ErrorCode,
  type ErrorCodeValue,
  formatMsgId,
  type SendMessageFrame,
  validateClientFrame,
} from '@parley/protocol';
import type { CoreContext } from '../context.js';
import { CoreError } from '../core-error.js';
import { appendMessage, checkMessageSize, routeMessage, type StoredMessage } from '../messages.js';

/** What the server API answers per message: its id and time, or why it was refused. */
export type SendOutcome =
  | { id: string; time: string; ts: number }
  | { code: ErrorCodeValue | string; error: string };

/** The most messages one `POST /v1/messages` may carry. */
export const MAX_SEND_BATCH = 100;

/** A message ready to store: checked like an action 3 frame. */
interface Checked {
  frame: SendMessageFrame;
  asSystem: boolean;
}

/**
 * The server API's messages (`POST /v1/messages`): from a user or the system sender, to a user or
 * a group. Each gets an id drawn with the same `reserve` op as action 2 (for its sender) and is
 * stored and routed by the same code as action 3: the same rules and quotas, conversation rows,
 * group fan-out, and delivery to the recipient, the sender's devices and a group's members. The
 * messages of one call are committed in their order.
 */
export class MessageSender {
  constructor(
    private readonly ctx: CoreContext,
    /** The sender of messages without `fromId`; created on first use. */
    readonly systemUserId: string,
  ) {}

  async send(items: readonly unknown[]): Promise<SendOutcome[]> {
    const outcomes: (SendOutcome | undefined)[] = new Array(items.length);
    const checked: (Checked | undefined)[] = items.map((item, i) => {
      try {
        return this.check(item);
      } catch (err) {
        outcomes[i] = refusal(err);
        return undefined;
      }
    });
    const ids = await this.reserveIds(checked, outcomes);
    // every append is enqueued before any is awaited: one group commit, in the order given
    const stored = checked.map((c, i) => {
      const msgId = ids[i];
      if (!c || msgId === undefined) return undefined;
      const { fromId, toId, chatMsg } = c.frame;
      const input = {
        msgId,
        idText: formatMsgId(msgId),
        fromId,
        toId,
        type: chatMsg.type,
        body: chatMsg.message,
      };
      return appendMessage(this.ctx, c.asSystem ? { ...input, asSystem: true } : input);
    });
    for (const [i, p] of stored.entries()) {
      if (!p) continue;
      try {
        const r = await p;
        routeMessage(this.ctx, r);
        outcomes[i] = answer(r, this.ctx);
      } catch (err) {
        outcomes[i] = refusal(err);
      }
    }
    return outcomes as SendOutcome[];
  }

  /** An item as an action 3 frame, checked with the protocol's own validator. */
  private check(item: unknown): Checked {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new CoreError(ErrorCode.BadRequest, 'a message must be a JSON object');
    const { fromId, toId, type, message } = item as Record<string, unknown>;
    const asSystem = fromId === undefined || fromId === this.systemUserId;
    const r = validateClientFrame({
      action: '3',
      fromId: fromId ?? this.systemUserId,
      toId,
      // the id is drawn here; type 0 (text) unless given
      chatMsg: { id: 'MSG000000', type: type ?? 0, message },
    });
    if (!r.ok) throw new CoreError(r.code, r.error.replace(/^chatMsg\./, ''));
    const frame = r.frame as SendMessageFrame;
    if (conversationKind(frame.toId) === 'room')
      throw new CoreError(ErrorCode.BadRequest, 'chat rooms take messages from their connections only');
    checkMessageSize(this.ctx, frame.chatMsg.message);
    return { frame, asSystem };
  }

  /**
   * Ids for the checked items: one reservation per sender (the system sender is created on first
   * use; another sender must be a user). The caller is trusted, so no cap on reserved ids applies;
   * an id whose message is refused stays reserved until it expires, as a client's would.
   */
  private async reserveIds(
    checked: readonly (Checked | undefined)[],
    outcomes: (SendOutcome | undefined)[],
  ): Promise<(number | undefined)[]> {
    const counts = new Map<string, number>();
    for (const c of checked) if (c) counts.set(c.frame.fromId, (counts.get(c.frame.fromId) ?? 0) + 1);
    const now = this.ctx.clock.now();
    const pools = new Map<string, number[]>();
    await Promise.all(
      [...counts].map(async ([userId, count]) => {
        if (userId === this.systemUserId) await this.ctx.users.ensureUser(userId);
        else if (!(await this.ctx.store.getUser(userId))) return;
        const r = await this.ctx.write({
          kind: 'reserve',
          userId,
          count,
          nowMs: now,
          validFromMs: now - this.ctx.config.reservationTtlMs,
          maxOutstanding: Number.MAX_SAFE_INTEGER,
        });
        if (r.outcome === 'reserved') pools.set(userId, r.ids);
      }),
    );
    return checked.map((c, i) => {
      if (!c) return undefined;
      const id = pools.get(c.frame.fromId)?.shift();
      if (id === undefined) outcomes[i] = { code: ErrorCode.UnknownUser, error: `no user ${c.frame.fromId}` };
      return id;
    });
  }
}

function answer(r: StoredMessage, ctx: Pick<CoreContext, 'time'>): SendOutcome {
  return { id: formatMsgId(r.message.msgId), time: ctx.time(r.message.timeMs), ts: r.message.timeMs };
}

function refusal(err: unknown): SendOutcome {
  if (err instanceof CoreError) return { code: err.code, error: err.message };
  throw err;
}
