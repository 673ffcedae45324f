import {
  ErrorCode,
  HISTORY_PAGE_DEFAULT,
  HISTORY_PAGE_MAX,
  type HistoryFrame,
  type HistoryReply,
  parseMsgId,
} from '@parley/protocol';
import { CoreError } from '../core-error.js';
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
  const { store, time } = s.ctx;
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
    s.ctx.config.maxHistoryPageBytes,
  ).reverse();
  const reply: HistoryReply =
    f.toId === undefined
      ? { action: '12', fromId: userId, historyMsgs }
      : { action: '12', fromId: userId, toId: f.toId, historyMsgs };
  s.reply(reply);
}

const notInYourConversations = (id: string) =>
  new CoreError(ErrorCode.NotFound, `no message ${id} in your conversations`);
