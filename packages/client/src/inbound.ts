import {
  ErrorCode,
  type ErrorFrame,
  type GroupEventFrame,
  isGroupId,
  parseMsgId,
  type RecallNotice,
  type StatusNotice,
} from '@parley/protocol';
import type { Confirmations } from './confirmations.js';
import { conversationOf } from './conversations.js';
import { createEnvelope, encodeEnvelope, parseEnvelope } from './envelope.js';
import { ParleyError } from './errors.js';
import type { PendingRequest, RequestTable } from './requests.js';
import type { SeenIds } from './seen-ids.js';
import type {
  ClientEvents,
  InboundFrame,
  InboundMessageFrame,
  OutboundFrame,
  ReceivedMessage,
} from './types.js';

/** What frame dispatch needs from the client. */
export interface InboundContext {
  readonly userId: string;
  readonly requests: RequestTable;
  readonly seen: SeenIds;
  readonly answerPings: boolean;
  /** Receipt confirmations of the stored messages received, written in batches. */
  readonly confirmations: Confirmations;
  emit<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void;
  /** Best-effort write on the current connection (PONGs). */
  write(frame: OutboundFrame): void;
  /** The server acknowledged or refused a stored message: it leaves the outbox. */
  settled(id: string): void;
  /** A stored 1:1 message with this `seq` arrived: the user's sync cursor moves up to it. */
  advance(seq: number): void;
  /** An entry of a group's timeline arrived (message, event, recall): that group's position. */
  advanceGroup(groupId: string, seq: number): void;
  /** A stored notice with this `nid` arrived: the device's notice cursor moves up to it. */
  advanceNotice(nid: number): void;
  /** Another device of this user read message `id` of the conversation with `conversationId`. */
  readElsewhere(conversationId: string, id: string): void;
}

const RATE_LIMIT_RETRY_MS = 1000;

/** Answers without an id: matched to the oldest request of the same action. */
const FIFO_ACTIONS = new Set(['2', '7', '11', '12', '13', '14', '15', '17', '18', '19', '20', '21']);
/** RATE_LIMITED on these is a limit reached (rooms per connection), not shaping: final. */
const RATE_LIMIT_FINAL = new Set(['18']);
/** Friend frames are echoed to the sender; their errors carry only the action. */
const FRIEND_ACTIONS = new Set(['8', '9', '10']);

export function dispatchFrame(ctx: InboundContext, f: InboundFrame): void {
  const nid = (f as { nid?: unknown }).nid;
  if (typeof nid === 'number' && Number.isSafeInteger(nid) && nid > 0) ctx.advanceNotice(nid);
  switch (f.action) {
    case '0':
      onError(ctx, f);
      return;
    case '2':
    case '11':
    case '12':
    case '13':
    case '14':
    case '15':
    case '17':
    case '18':
    case '19':
    case '20':
    case '21':
      answerOldest(ctx, f);
      return;
    case '16':
      onGroupEvent(ctx, f);
      return;
    case '7':
      answerOldest(ctx, f);
      ctx.emit('presence', f);
      return;
    case '3':
      onMessage(ctx, f);
      return;
    case '4':
      onStatus(ctx, f);
      return;
    case '6': {
      const id = f.chatMsg?.id;
      if (typeof id !== 'string') return;
      advanceGroupOf(ctx, f);
      const seenBefore = ctx.seen.check(`r:${id}`);
      if (f.fromId === ctx.userId && answerKey(ctx, `6:${id}`, f)) return;
      if (!seenBefore) ctx.emit('recall', f);
      return;
    }
    case '8':
      if (!answeredMine(ctx, f)) ctx.emit('friendRequest', f);
      return;
    case '9':
      if (!answeredMine(ctx, f)) ctx.emit('friendResponse', f);
      return;
    case '10':
      if (!answeredMine(ctx, f)) ctx.emit('friendRemoved', f);
      return;
    default:
      return; // heartbeat replies, repeated connect replies, actions added by newer servers
  }
}

function answerOldest(ctx: InboundContext, f: InboundFrame): void {
  const p = ctx.requests.oldestWritten(f.action);
  if (p) ctx.requests.resolve(p, f);
}

/** A friend frame from this user is the echo of its own request (possibly made on another device). */
function answeredMine(
  ctx: InboundContext,
  f: { action: string; fromId: string; toId: string } & InboundFrame,
): boolean {
  return f.fromId === ctx.userId && answerKey(ctx, `${f.action}:${f.toId}`, f);
}

function answerKey(ctx: InboundContext, key: string, f: InboundFrame): boolean {
  const p = ctx.requests.findKey(key, ['keyed']);
  if (!p) return false;
  ctx.requests.resolve(p, f);
  return true;
}

function onMessage(ctx: InboundContext, f: InboundMessageFrame): void {
  const chatMsg = f.chatMsg;
  if (!chatMsg || typeof chatMsg.id !== 'string') {
    ctx.emit('error', new ParleyError('PROTOCOL', 'a message frame without chatMsg.id', { action: '3' }));
    return;
  }
  const msg: ReceivedMessage = {
    fromId: f.fromId,
    toId: f.toId,
    chatMsg,
    transient: f.store === false,
    ...conversationOf(ctx.userId, f.fromId, f.toId),
  };
  if (msg.transient) {
    // never stored, so never replayed: no duplicates to drop and nothing to confirm
    if (msg.kind === 'user' && chatMsg.type === 2 && onPingPong(ctx, f)) return;
    ctx.emit('message', msg);
    return;
  }
  const duplicate = ctx.seen.check(`m:${chatMsg.id}`);
  if (msg.kind === 'room') {
    // kept only in the room's recent window: not confirmed, not synced, no position
    ctx.emit(duplicate ? 'duplicate' : 'message', msg);
    return;
  }
  // A group message's seq is its position in the group's timeline, not in the user's: it must
  // never move the sync cursor (`since`), or 1:1 messages below it would be skipped.
  if (typeof chatMsg.seq === 'number') {
    if (msg.kind === 'group') ctx.advanceGroup(f.toId, chatMsg.seq);
    else ctx.advance(chatMsg.seq);
  }
  ctx.emit(duplicate ? 'duplicate' : 'message', msg);
  // Confirm receipt, in the next batch (duplicates too: the server replays until it has a
  // confirmation). A group message is confirmed to the group: the member has everything of it up
  // to there. A copy of a 1:1 message this user sent on another device was never pending here.
  if (msg.kind === 'group') ctx.confirmations.group(f.toId, chatMsg.id, chatMsg.seq);
  else if (f.fromId !== ctx.userId || f.toId === ctx.userId)
    ctx.confirmations.user(f.fromId, chatMsg.id, chatMsg.seq);
}

/** A membership change (action 16): in order with the group's messages, dropped if seen. */
function onGroupEvent(ctx: InboundContext, f: GroupEventFrame): void {
  const event = f.event;
  if (!isGroupId(f.toId) || typeof event !== 'object' || event === null || typeof event.seq !== 'number') {
    ctx.emit(
      'error',
      new ParleyError('PROTOCOL', 'a group event without its group or position', { action: '16' }),
    );
    return;
  }
  ctx.advanceGroup(f.toId, event.seq);
  if (ctx.seen.check(`e:${f.toId}:${event.seq}`)) return;
  ctx.emit('groupEvent', f);
}

/** A recall in a group is an entry of the group's timeline. */
function advanceGroupOf(ctx: InboundContext, f: RecallNotice): void {
  const seq = f.chatMsg.seq;
  if (typeof seq === 'number' && isGroupId(f.toId)) ctx.advanceGroup(f.toId, seq);
}

/** PING envelopes are answered with a transient PONG; PONGs settle `ping()`. True if consumed. */
function onPingPong(ctx: InboundContext, f: InboundMessageFrame): boolean {
  const env = parseEnvelope(f.chatMsg.message);
  if (!env) return false;
  if (env.type === 'PING' && env.msgId.startsWith('PING_') && ctx.answerPings) {
    const id = `PONG_${env.msgId.slice(5)}`;
    const pong = encodeEnvelope(createEnvelope('PONG', ctx.userId, { msgId: id }));
    ctx.write({
      action: '3',
      fromId: ctx.userId,
      toId: f.fromId,
      store: false,
      chatMsg: { id, type: 2, message: pong, status: 0 },
    });
    return true;
  }
  if (env.type === 'PONG' && env.msgId.startsWith('PONG_')) {
    const p = ctx.requests.findKey(`3:PING_${env.msgId.slice(5)}`, ['ping']);
    if (p) ctx.requests.resolve(p, f);
    return true;
  }
  return false;
}

function onStatus(ctx: InboundContext, f: StatusNotice): void {
  const c = f.chatMsg;
  if (!c || typeof c.id !== 'string' || (c.status !== 1 && c.status !== 2)) return;
  if (c.status === 1 && f.toId === ctx.userId) {
    const p = ctx.requests.findKey(`3:${c.id}`, ['send', 'transient']);
    if (p) {
      ctx.requests.resolve(p, f);
      if (p.kind === 'send') ctx.settled(c.id);
    }
  }
  if (parseMsgId(c.id) === undefined) return; // transient ids: no status to report
  if (c.status === 2 && isGroupId(f.toId) && f.fromId === ctx.userId) {
    ctx.readElsewhere(f.toId, c.id); // read in the group on another device of this user
    return;
  }
  if (c.status === 2 && isGroupId(f.toId)) {
    // a member read one of our group messages: live only, a new count each time
    ctx.emit('groupRead', {
      groupId: f.toId,
      id: c.id,
      readerId: f.fromId,
      readCount: typeof c.readCount === 'number' ? c.readCount : undefined,
    });
    return;
  }
  // this user read it on another device: the read position of that conversation moved
  if (c.status === 2 && f.fromId === ctx.userId) ctx.readElsewhere(f.toId, c.id);
  if (ctx.seen.check(`s${c.status}:${c.id}`)) return;
  ctx.emit('status', { id: c.id, status: c.status, fromId: f.fromId, toId: f.toId, time: c.time, ts: c.ts });
}

function onError(ctx: InboundContext, f: ErrorFrame): void {
  const ref = f.ref;
  // a refused confirmation belongs to no request; an older server's UNKNOWN_ACTION is not the app's
  if (ref?.action === '22' && ctx.confirmations.refused(f.code)) return;
  const err = new ParleyError(f.code, f.error, { action: ref?.action, id: ref?.id });
  let p: PendingRequest | undefined;
  if (ref?.action === '3' && ref.id !== undefined) p = ctx.requests.findKey(`3:${ref.id}`);
  else if (ref?.action === '6' && ref.id !== undefined) p = ctx.requests.findKey(`6:${ref.id}`);
  else if (ref?.action !== undefined && (FIFO_ACTIONS.has(ref.action) || FRIEND_ACTIONS.has(ref.action))) {
    p = ctx.requests.oldestWritten(ref.action);
  }
  if (p && f.code === ErrorCode.RateLimited && p.resend && !RATE_LIMIT_FINAL.has(p.action)) {
    // not a verdict on the request: send it again a little later (jittered)
    ctx.requests.retryLater(p, RATE_LIMIT_RETRY_MS * (0.5 + Math.random()));
    return;
  }
  if (p) {
    ctx.requests.reject(p, err);
    if (p.kind === 'send' && ref?.id !== undefined) ctx.settled(ref.id);
    return;
  }
  // the pinger went away before our automatic PONG reached it: nothing for the app
  if (ref?.action === '3' && ref.id?.startsWith('PONG_')) return;
  ctx.emit('error', err);
}
