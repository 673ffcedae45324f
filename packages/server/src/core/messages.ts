import { ErrorCode, type MsgTypeCode } from '@parley/protocol';
import type { AppendResult, WriteOps } from '../store/store.js';
import type { CoreContext } from './context.js';
import { blockedBy, CoreError } from './core-error.js';
import { dismissed, notMember, unknownGroup } from './groups/group-service.js';
import { reservationsValidFrom } from './quotas.js';
import { deliveryFrame, OwnCopy } from './wire.js';

/**
 * Storing and routing a message to a user or a group: the part of action 3 that the server API's
 * `POST /v1/messages` shares, so both give a message the same id rules, storage and delivery.
 */

/** A message to store, with an id reserved for its sender. */
export interface MessageInput {
  msgId: number;
  /** The id as the sender wrote it, for refusals. */
  idText: string;
  fromId: string;
  toId: string;
  type: MsgTypeCode;
  body: string;
  /** The server API's system sender (posts to a group without being a member). */
  asSystem?: boolean;
}

export type StoredMessage = Extract<AppendResult, { outcome: 'stored' | 'retry' }>;

/** The write of one message: the one write path, or a check first (webhooks' before-send). */
export type AppendWrite = (op: { kind: 'append' } & WriteOps['append']['op']) => Promise<AppendResult>;

/** Refuses a body over `maxMessageBytes` (TOO_LARGE). */
export function checkMessageSize(ctx: Pick<CoreContext, 'config'>, body: string): void {
  if (Buffer.byteLength(body, 'utf8') > ctx.config.maxMessageBytes) {
    throw new CoreError(ErrorCode.TooLarge, `chatMsg.message is over ${ctx.config.maxMessageBytes} bytes`);
  }
}

/**
 * Stores the message through the one write path (`append`); resolves once committed, with the
 * message as stored (a retry: as stored the first time). A refusal throws the CoreError action 3
 * answers with. Called synchronously up to the enqueue, so one caller's messages commit in order.
 */
export async function appendMessage(
  ctx: Pick<CoreContext, 'write' | 'clock' | 'config' | 'metrics'>,
  m: MessageInput,
  write: AppendWrite = (op) => ctx.write(op),
): Promise<StoredMessage> {
  const now = ctx.clock.now();
  const op: Parameters<AppendWrite>[0] = {
    kind: 'append',
    validFromMs: reservationsValidFrom(ctx.config, now),
    maxPending: ctx.config.maxPendingMessages,
    msgId: m.msgId,
    fromId: m.fromId,
    toId: m.toId,
    type: m.type,
    body: m.body,
    timeMs: now,
  };
  if (m.asSystem) op.asSystem = true;
  const result = await write(op);
  switch (result.outcome) {
    case 'stored':
      ctx.metrics.messageStored();
      return result;
    case 'retry':
      return result;
    case 'duplicate':
      throw new CoreError(ErrorCode.DuplicateId, `${m.idText} was already used for another message`);
    case 'bad_id':
      throw new CoreError(ErrorCode.BadMsgId, `${m.idText} is not reserved for ${m.fromId}`);
    case 'expired_id':
      throw new CoreError(
        ErrorCode.ExpiredMsgId,
        `${m.idText} was reserved more than ${ctx.config.reservationTtlMs / 1000} s ago and is no longer valid: take a fresh id from action 2`,
      );
    case 'unknown_user':
      throw new CoreError(ErrorCode.UnknownUser, `no user ${m.toId}`);
    case 'unknown_group':
      throw unknownGroup(m.toId);
    case 'dismissed':
      throw dismissed(m.toId);
    case 'not_member':
      throw notMember(m.toId);
    case 'muted':
      throw new CoreError(ErrorCode.Muted, `you may not post in ${m.toId} now (muted)`);
    case 'blocked':
      throw blockedBy(m.toId);
    case 'recipient_full':
      throw new CoreError(
        ErrorCode.RecipientFull,
        `${m.toId} has ${ctx.config.maxPendingMessages} messages it has not received yet; try again later`,
      );
  }
}

/**
 * Routes a stored message: a group's entry to every member's connections, a 1:1 message to the
 * recipient's and, at its place in the sender's timeline, to the sender's other connections.
 * `origin`, the sending connection, has it already (it got the ack); none: every connection gets it.
 */
export function routeMessage(
  ctx: Pick<CoreContext, 'publish' | 'groups' | 'time'>,
  result: StoredMessage,
  origin?: string,
): void {
  const m = result.message;
  if (result.recipients) {
    // a group message: one entry of the group's timeline, to every member
    const entry = { kind: 'message' as const, groupId: m.toId, seq: m.seq, message: m };
    ctx.groups.publish([entry], result.recipients, origin);
    return;
  }
  // a retry is routed again too: its first publish may have died with the node that stored it,
  // and a connection that already has it drops the copy (it is not past its position)
  ctx.publish({ kind: 'message', userId: m.toId, seq: m.seq, frame: deliveryFrame(m, ctx.time) });
  // the sender's other devices show it too, at its place in the sender's timeline (serialized only
  // if one of them, here or on another node, is there to read it)
  if (result.senderSeq !== undefined && m.toId !== m.fromId) {
    ctx.publish(new OwnCopy(m.fromId, result.senderSeq, m, ctx.time, origin));
  }
}
