import {
  ErrorCode,
  HISTORY_PAGE_DEFAULT,
  HISTORY_PAGE_MAX,
  type HistoryFrame,
  type HistoryReply,
  isGroupId,
  parseMsgId,
} from '@parley/protocol';
import type { CoreContext } from '../context.js';
import { CoreError } from '../core-error.js';
import { notMember } from '../groups/group-service.js';
import { groupHistoryEntry } from '../groups/group-wire.js';
import type { Session } from '../session.js';
import { historyEntry } from '../wire.js';

/**
 * The longest prefix of `entries` (newest first) whose JSON fits in `maxBytes`, but at least one
 * entry. Cutting the oldest end keeps paging intact: the client's next `baseMsgId` is the oldest
 * entry it got, so the cut messages come on the next page.
 */
function newestWithin<T>(entries: T[], maxBytes: number): T[] {
  let bytes = 2; // the brackets
  for (let i = 0; i < entries.length; i++) {
    bytes += Buffer.byteLength(JSON.stringify(entries[i])) + (i > 0 ? 1 : 0);
    if (bytes > maxBytes && i > 0) return entries.slice(0, i);
  }
  return entries;
}

/**
 * Action 12: the `pageSize` newest messages before `baseMsgId` (or now), of one conversation or of
 * all the user's conversations, oldest first.
 */
export async function history(s: Session, f: HistoryFrame): Promise<void> {
  s.reply(await historyPage(s.ctx, f));
}

/** The reply to a history request (also the server API's `GET /v1/users/{id}/history`). */
export async function historyPage(
  ctx: Pick<CoreContext, 'store' | 'time' | 'config'>,
  f: HistoryFrame,
): Promise<HistoryReply> {
  if (f.toId !== undefined && isGroupId(f.toId)) return groupHistory(ctx, f, f.toId);
  const { store, time } = ctx;
  const userId = f.fromId;
  let beforeMsgId: number | undefined;
  if (f.baseMsgId !== undefined) {
    beforeMsgId = parseMsgId(f.baseMsgId);
    if (beforeMsgId === undefined) throw notInYourConversations(f.baseMsgId);
  }
  const limit = Math.min(f.pageSize ?? HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX);
  const rows = await store.history({
    userId,
    limit,
    ...(f.toId !== undefined && { peerId: f.toId }),
    ...(beforeMsgId !== undefined && { beforeMsgId }),
  });
  if (rows === 'unknown_base') throw notInYourConversations(f.baseMsgId ?? '');
  const historyMsgs = newestWithin(
    rows.map((m) => historyEntry(m, userId, time)),
    ctx.config.maxHistoryPageBytes,
  ).reverse();
  return f.toId === undefined
    ? { action: '12', fromId: userId, historyMsgs }
    : { action: '12', fromId: userId, toId: f.toId, historyMsgs };
}

/**
 * Action 12 for a group: its messages and events that the member may see (from its join, up to its
 * leaving), before `baseSeq` or `baseMsgId`, newest `pageSize`, oldest first.
 */
async function groupHistory(
  ctx: Pick<CoreContext, 'store' | 'time' | 'config'>,
  f: HistoryFrame,
  groupId: string,
): Promise<HistoryReply> {
  const { store, time } = ctx;
  const member = await store.groupMember(groupId, f.fromId);
  if (!member) throw notMember(groupId);
  let before = member.leftSeq === undefined ? Number.MAX_SAFE_INTEGER : member.leftSeq + 1;
  if (f.baseSeq !== undefined) before = Math.min(before, f.baseSeq);
  if (f.baseMsgId !== undefined) {
    const msgId = parseMsgId(f.baseMsgId);
    const seq = msgId === undefined ? undefined : await store.groupMessageSeq(groupId, msgId);
    if (seq === undefined || seq <= member.joinedSeq)
      throw new CoreError(ErrorCode.NotFound, `no message ${f.baseMsgId} in ${groupId}`);
    before = Math.min(before, seq);
  }
  const limit = Math.min(f.pageSize ?? HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX);
  const entries = await store.groupHistory(groupId, member.joinedSeq, before, limit);
  const historyMsgs = newestWithin(
    entries.map((e) => groupHistoryEntry(e, time)),
    ctx.config.maxHistoryPageBytes,
  ).reverse();
  return { action: '12', fromId: f.fromId, toId: groupId, historyMsgs };
}

const notInYourConversations = (id: string) =>
  new CoreError(ErrorCode.NotFound, `no message ${id} in your conversations`);
