import {
  type Conversation,
  type ConversationsFrame,
  type ConversationsReply,
  conversationKind,
  UNREAD_MAX,
} from '@parley/protocol';
import { ParleyError } from './errors.js';
import type { Ask } from './groups.js';
import type { ConversationKind, ConversationPage, ConversationsOptions } from './types.js';

/** One page of the conversation list (action 17), newest activity first. */
export async function conversationsPage(
  ask: Ask,
  userId: string,
  opts: ConversationsOptions = {},
): Promise<ConversationPage> {
  const { pageSize, before } = opts;
  if (pageSize !== undefined && !(Number.isSafeInteger(pageSize) && pageSize >= 1)) {
    throw new ParleyError('INVALID_ARGUMENT', 'pageSize must be a positive integer');
  }
  if (before !== undefined && (typeof before !== 'string' || before.length === 0 || before.length > 128)) {
    throw new ParleyError('INVALID_ARGUMENT', "before must be a page's next");
  }
  const frame: ConversationsFrame = {
    action: '17',
    fromId: userId,
    ...(pageSize !== undefined && { pageSize }),
    ...(before !== undefined && { before }),
  };
  const reply = (await ask(frame)) as ConversationsReply;
  return {
    conversations: Array.isArray(reply.conversations) ? reply.conversations : [],
    next: typeof reply.next === 'string' && reply.next.length > 0 ? reply.next : undefined,
  };
}

/** Which conversation a message between `fromId` and `toId` belongs to, for user `me`. */
export function conversationOf(
  me: string,
  fromId: string,
  toId: string,
): { conversationId: string; kind: ConversationKind } {
  const kind = conversationKind(toId);
  if (kind !== 'user') return { conversationId: toId, kind };
  return { conversationId: fromId === me ? toId : fromId, kind };
}

/**
 * Unread counts as this client sees them: seeded from the conversation list, raised by each
 * message from someone else, lowered by `markRead` (the read position moves to that message, so
 * what arrived before it is read too). The server's counts (action 17) are the reference: a read
 * on another device shows only there.
 */
export class UnreadCounts {
  /** Per conversation: unread messages known only by number, then those received here, in order. */
  private readonly counts = new Map<string, { base: number; ids: string[] }>();

  /** Takes the server's counts; returns the conversations whose count changed. */
  seed(conversations: readonly Conversation[]): { conversationId: string; unread: number }[] {
    const changed: { conversationId: string; unread: number }[] = [];
    for (const c of conversations) {
      if (typeof c.id !== 'string' || typeof c.unread !== 'number') continue;
      const before = this.get(c.id);
      // the unread ones are the newest messages from others: keep the ids of those received here
      const known = this.counts.get(c.id)?.ids ?? [];
      const ids = c.unread > 0 ? known.slice(-c.unread) : [];
      this.counts.set(c.id, { base: c.unread - ids.length, ids });
      if (before !== c.unread) changed.push({ conversationId: c.id, unread: c.unread });
    }
    return changed;
  }

  /** A message from someone else arrived; returns the new count. */
  received(conversationId: string, id: string): number {
    const c = this.entry(conversationId);
    c.ids.push(id);
    if (c.base + c.ids.length > UNREAD_MAX) {
      // the server counts up to UNREAD_MAX; forget the oldest id but keep counting it
      c.ids.shift();
      c.base = Math.min(UNREAD_MAX, c.base + 1);
    }
    return this.get(conversationId);
  }

  /** The read position moved to message `id`; returns the new count, or undefined if unchanged. */
  read(conversationId: string, id: string): number | undefined {
    const c = this.counts.get(conversationId);
    if (!c) return undefined;
    const i = c.ids.indexOf(id);
    if (i < 0) return undefined; // an older message (from history): the count stays
    c.ids.splice(0, i + 1);
    c.base = 0;
    return this.get(conversationId);
  }

  get(conversationId: string): number {
    const c = this.counts.get(conversationId);
    return c ? Math.min(UNREAD_MAX, c.base + c.ids.length) : 0;
  }

  private entry(conversationId: string): { base: number; ids: string[] } {
    let c = this.counts.get(conversationId);
    if (!c) {
      c = { base: 0, ids: [] };
      this.counts.set(conversationId, c);
    }
    return c;
  }
}
