import { Observable } from '../app/observable.js';
import type { DeliveryStatus } from '../chat/chat-entry.js';
import {
  type Conversation,
  type ConversationPreview,
  type ConversationRef,
  conversationKey,
} from './conversation.js';

/**
 * The conversations shown in the list: newest first, with the last message, unread ids and a
 * title. It does not know where they come from: a source seeds it (today the client-side one,
 * see client-side-source.ts) and the session feeds it live messages.
 */
export class ConversationList extends Observable {
  private readonly byKey = new Map<string, Conversation>();

  get(key: string): Conversation | undefined {
    return this.byKey.get(key);
  }

  /** The conversation of `ref`, created empty if new; a title given replaces the placeholder. */
  ensure(ref: ConversationRef, title?: string): Conversation {
    const key = conversationKey(ref);
    let conv = this.byKey.get(key);
    if (!conv) {
      conv = { key, ref, title: title ?? ref.peerId, preview: undefined, unread: new Set(), lastTs: 0 };
      this.byKey.set(key, conv);
      this.changed();
    } else if (title !== undefined && title !== conv.title) {
      conv = { ...conv, title };
      this.byKey.set(key, conv);
      this.changed();
    }
    return conv;
  }

  /** A message of the conversation: the preview if it is the newest, and unread if so. */
  note(ref: ConversationRef, preview: ConversationPreview, unread: boolean): void {
    const conv = this.ensure(ref);
    const ts = preview.ts ?? Date.now();
    const same =
      conv.preview?.key === preview.key || (preview.id !== undefined && conv.preview?.id === preview.id);
    const newest = conv.preview === undefined || ts >= conv.lastTs || same;
    const unreadIds = new Set(conv.unread);
    if (unread && preview.id !== undefined) unreadIds.add(preview.id);
    this.byKey.set(conv.key, {
      ...conv,
      ...(newest && { preview, lastTs: Math.max(conv.lastTs, ts) }),
      unread: unreadIds,
    });
    this.changed();
  }

  /** Unread ids found at start (history): added to those known. */
  addUnread(key: string, ids: readonly string[]): void {
    const conv = this.byKey.get(key);
    if (!conv || ids.length === 0) return;
    this.byKey.set(key, { ...conv, unread: new Set([...conv.unread, ...ids]) });
    this.changed();
  }

  /** A status or recall reached a message: the preview follows if it shows that message. */
  patchPreview(key: string, id: string, patch: { status?: DeliveryStatus; recalled?: boolean }): void {
    const conv = this.byKey.get(key);
    if (!conv) return;
    const unread = new Set(conv.unread);
    const removed = patch.recalled === true && unread.delete(id);
    if (conv.preview?.id !== id && !removed) return;
    const preview =
      conv.preview?.id === id
        ? {
            ...conv.preview,
            ...(patch.status !== undefined && {
              status: Math.max(conv.preview.status, patch.status) as DeliveryStatus,
            }),
            ...(patch.recalled === true && { recalled: true, text: '' }),
          }
        : conv.preview;
    this.byKey.set(key, { ...conv, preview, unread });
    this.changed();
  }

  /** These received messages were read here. */
  markRead(key: string, ids: Iterable<string>): void {
    const conv = this.byKey.get(key);
    if (!conv || conv.unread.size === 0) return;
    const unread = new Set(conv.unread);
    for (const id of ids) unread.delete(id);
    if (unread.size === conv.unread.size) return;
    this.byKey.set(key, { ...conv, unread });
    this.changed();
  }

  /** Newest first; conversations without messages (contacts) after them, by title. */
  sorted(): Conversation[] {
    return [...this.byKey.values()].sort((a, b) => {
      if (a.lastTs !== b.lastTs) return b.lastTs - a.lastTs;
      return a.title.localeCompare(b.title);
    });
  }

  totalUnread(): number {
    let n = 0;
    for (const c of this.byKey.values()) n += c.unread.size;
    return n;
  }
}
