import {
  CONVERSATIONS_PAGE_DEFAULT,
  CONVERSATIONS_PAGE_MAX,
  type Conversation,
  type ConversationsFrame,
  type ConversationsReply,
  ErrorCode,
  UNREAD_MAX,
} from '@parley/protocol';
import type { ConversationCursor, ConversationRecord } from '../../store/groups.js';
import { CoreError } from '../core-error.js';
import type { Session } from '../session.js';
import { chatMsgOf } from '../wire.js';

/** Action 17: a page of the user's conversations, newest activity first. */
export async function conversations(s: Session, f: ConversationsFrame): Promise<void> {
  const limit = Math.min(f.pageSize ?? CONVERSATIONS_PAGE_DEFAULT, CONVERSATIONS_PAGE_MAX);
  const before = f.before === undefined ? undefined : parseCursor(f.before);
  const rows = await s.ctx.store.conversations(f.fromId, before, limit);
  const reply: ConversationsReply = {
    action: '17',
    toId: f.fromId,
    conversations: rows.map((r) => conversationOf(r, s)),
  };
  const last = rows[rows.length - 1];
  if (rows.length === limit && last) reply.next = `${last.lastMs}.${last.id}`;
  s.reply(reply);
}

function conversationOf(r: ConversationRecord, s: Session): Conversation {
  const c: Conversation = {
    id: r.id,
    kind: r.kind,
    name: r.name,
    unread: Math.min(r.unread, UNREAD_MAX),
    ts: r.lastMs,
  };
  if (r.last) c.last = { fromId: r.last.fromId, toId: r.last.toId, chatMsg: chatMsgOf(r.last, s.ctx.time) };
  return c;
}

/** `next` is `<lastMs>.<id>`. */
function parseCursor(text: string): ConversationCursor {
  const dot = text.indexOf('.');
  const lastMs = Number(text.slice(0, dot));
  const id = text.slice(dot + 1);
  if (dot < 1 || !Number.isSafeInteger(lastMs) || lastMs < 0 || id === '')
    throw new CoreError(ErrorCode.BadRequest, 'before must be the next of a previous page');
  return { lastMs, id };
}
