import { randomUUID } from 'node:crypto';
import { createTimeFormatter, formatMsgId, isGroupId, type TimeFormatter } from '@parley/protocol';
import type { Clock } from '../core/clock.js';
import { groupHistoryEntry } from '../core/groups/group-wire.js';
import { chatMsgOf } from '../core/wire.js';
import { conversationKey } from '../store/conversation.js';
import type { GroupEntry } from '../store/groups.js';
import type { OutboxCapture, OutboxEvent } from '../store/outbox.js';
import type { WriteOp, WriteResult, WriteResultOf } from '../store/store.js';
import { compiledModuleUrl } from '../threads/compiled-module.js';
import type { EventType } from './event-types.js';

export interface CaptureOptions {
  /** The event types to record (`WEBHOOK_EVENTS`). */
  types: ReadonlySet<EventType>;
  /** Formats the `time` strings inside `data`, as in frames (`TIME_ZONE`). */
  time: TimeFormatter;
  /** For the events of operations that carry no time of their own (reads). */
  clock: Clock;
}

/** The body of a webhook POST: `id` is unique per event, so receivers can drop a second delivery. */
export function envelope(type: string, timeMs: number, data: unknown): string {
  return JSON.stringify({ id: randomUUID(), type, time: new Date(timeMs).toISOString(), data });
}

/** The key that orders the events of one conversation: a pair of users, a group, one user's presence. */
export const pairConv = (a: string, b: string) => conversationKey(a, b);
export const userConv = (userId: string) => `user:${userId}`;

/**
 * The outbox capture of the webhooks: what each applied operation did, as events, built from the
 * operation and its result (what the store wrote), only for outcomes that changed something.
 */
export function eventCapture(opts: CaptureOptions): OutboxCapture {
  const { types, time, clock } = opts;
  const event = (
    type: EventType,
    conv: string,
    timeMs: number,
    data: unknown,
    fromId?: string,
  ): OutboxEvent[] =>
    types.has(type)
      ? [{ conv, type, timeMs, body: envelope(type, timeMs, data), ...(fromId !== undefined && { fromId }) }]
      : [];
  const groupEvents = (entries: readonly GroupEntry[]): OutboxEvent[] =>
    entries.flatMap((e) =>
      e.kind === 'event'
        ? event(`group.${e.event.type}`, e.groupId, e.timeMs, groupHistoryEntry(e, time))
        : [],
    );

  return (op: WriteOp, result: WriteResult): readonly OutboxEvent[] => {
    switch (op.kind) {
      case 'append': {
        const r = result as WriteResultOf<'append'>;
        if (r.outcome !== 'stored') return [];
        const m = r.message;
        const conv = isGroupId(m.toId) ? m.toId : pairConv(m.fromId, m.toId);
        return event(
          'message.sent',
          conv,
          m.timeMs,
          { fromId: m.fromId, toId: m.toId, chatMsg: chatMsgOf(m, time, m.seq) },
          m.fromId,
        );
      }
      case 'read': {
        const r = result as WriteResultOf<'read'>;
        if (r.outcome !== 'read') return [];
        return event('message.read', pairConv(op.senderId, op.readerId), clock.now(), {
          readerId: op.readerId,
          fromId: op.senderId,
          toId: op.readerId,
          chatMsg: { id: formatMsgId(op.msgId) },
        });
      }
      case 'groupRead': {
        const r = result as WriteResultOf<'groupRead'>;
        if (r.outcome !== 'read' || r.senderId === op.readerId) return [];
        return event('message.read', op.groupId, clock.now(), {
          readerId: op.readerId,
          fromId: r.senderId,
          toId: op.groupId,
          chatMsg: { id: formatMsgId(op.msgId), seq: r.seq },
          readCount: r.readCount,
        });
      }
      case 'recall': {
        const r = result as WriteResultOf<'recall'>;
        if (r.outcome !== 'recalled') return [];
        return event('message.recalled', pairConv(op.userId, op.peerId), clock.now(), {
          fromId: op.userId,
          toId: op.peerId,
          chatMsg: { id: formatMsgId(op.msgId) },
        });
      }
      case 'groupRecall': {
        const r = result as WriteResultOf<'groupRecall'>;
        if (r.outcome !== 'recalled') return [];
        return event('message.recalled', op.groupId, op.timeMs, {
          fromId: op.userId,
          toId: op.groupId,
          chatMsg: { id: formatMsgId(op.msgId), seq: r.entry.seq },
        });
      }
      case 'eraseMessage': {
        // an erasure by the server API (account deletion): a recall the receiver must apply too
        const r = result as WriteResultOf<'eraseMessage'>;
        if (r.outcome === 'erased')
          return event('message.recalled', pairConv(op.userId, op.toId), op.timeMs, {
            fromId: op.userId,
            toId: op.toId,
            chatMsg: { id: formatMsgId(op.msgId) },
            erased: true,
          });
        if (r.outcome === 'erased_in_group')
          return event('message.recalled', op.toId, op.timeMs, {
            fromId: op.userId,
            toId: op.toId,
            chatMsg: { id: formatMsgId(op.msgId), seq: r.entry.seq },
            erased: true,
          });
        return [];
      }
      case 'friendRequest': {
        const r = result as WriteResultOf<'friendRequest'>;
        if (r.outcome !== 'requested') return [];
        const q = r.request;
        return event(
          'friend.requested',
          pairConv(q.fromId, q.toId),
          q.timeMs,
          { fromId: q.fromId, toId: q.toId, message: q.message, time: time(q.timeMs), ts: q.timeMs },
          q.fromId,
        );
      }
      case 'friendResponse': {
        const r = result as WriteResultOf<'friendResponse'>;
        if (r.outcome !== 'answered') return [];
        return event('friend.answered', pairConv(op.responderId, op.requesterId), op.timeMs, {
          fromId: op.responderId,
          toId: op.requesterId,
          accepted: op.accepted,
        });
      }
      case 'createGroup': {
        const r = result as WriteResultOf<'createGroup'>;
        return r.outcome === 'created' ? groupEvents(r.entries) : [];
      }
      case 'changeGroup': {
        const r = result as WriteResultOf<'changeGroup'>;
        return r.outcome === 'changed' ? groupEvents(r.entries) : [];
      }
      case 'presence':
        return event(op.online ? 'user.online' : 'user.offline', userConv(op.userId), op.timeMs, {
          userId: op.userId,
        });
      default:
        return [];
    }
  };
}

/** The capture's settings as they cross threads (to the SQLite writer thread). */
export interface PortableCaptureOptions {
  types: EventType[];
  /** `TIME_ZONE`, for the `time` strings inside `data`. */
  timeZone: string;
}

/** The capture built from settings that cross threads; the SQLite writer thread calls this. */
export function portableEventCapture(o: PortableCaptureOptions, clock: Clock): OutboxCapture {
  return eventCapture({ types: new Set(o.types), time: createTimeFormatter(o.timeZone), clock });
}

/** The webhooks' capture, with the recipe another thread rebuilds it from. */
export function webhookCapture(o: PortableCaptureOptions, clock: Clock): OutboxCapture {
  const recipe = { module: compiledModuleUrl(import.meta.url), name: 'portableEventCapture', options: o };
  return Object.assign(portableEventCapture(o, clock), { recipe, clock });
}
