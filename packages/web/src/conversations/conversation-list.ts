import { Observable } from '../app/observable.js';
import type { DeliveryStatus } from '../chat/chat-entry.js';
import {
  type Conversation,
  type ConversationPreview,
  type ConversationRef,
  conversationKey,
  unreadCount,
} from './conversation.js';

/** One conversation as the server lists it (action 17), ready for the list. */
export interface ConversationSeed {
  ref: ConversationRef;
  title: string;
  /** Its last message, if any. */
  preview: ConversationPreview | undefined;
  /** Last activity, epoch ms. */
  lastTs: number;
  /** The server's unread count. */
  unread: number;
}

/**
 * The conversations shown in the list: newest first, with the last message, the unread count and
 * a title. Pages of the server's list seed it (see list-pager.ts); live messages, reads and group
 * events keep it current (the session).
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
      conv = {
        key,
        ref,
        title: title ?? (ref.kind === 'direct' ? ref.peerId : 'Group'),
        preview: undefined,
        unreadBase: 0,
        unreadIds: new Set(),
        lastReadId: undefined,
        lastTs: 0,
      };
      this.byKey.set(key, conv);
      this.changed();
    } else if (title !== undefined && title !== conv.title) {
      conv = { ...conv, title };
      this.byKey.set(key, conv);
      this.changed();
    }
    return conv;
  }

  /**
   * The server's view of a conversation. Its count stands, except that unread messages this page
   * received stay known by id, and a last message this page already read counts as read (the
   * server may list before that read committed).
   */
  seed(seed: ConversationSeed): void {
    const conv = this.ensure(seed.ref, seed.title);
    const known = [...conv.unreadIds];
    const readHere = seed.preview?.id !== undefined && seed.preview.id === conv.lastReadId;
    const unread = readHere ? 0 : seed.unread;
    const ids = unread > 0 ? known.slice(-unread) : [];
    const newer = conv.preview === undefined || seed.lastTs >= conv.lastTs;
    this.byKey.set(conv.key, {
      ...conv,
      ...(newer && seed.preview && { preview: seed.preview }),
      lastTs: Math.max(conv.lastTs, seed.lastTs),
      unreadBase: unread - ids.length,
      unreadIds: new Set(ids),
    });
    this.changed();
  }

  /** Activity without a message (joining a group): the conversation moves up. */
  touch(ref: ConversationRef, ts: number): void {
    const conv = this.ensure(ref);
    if (ts <= conv.lastTs) return;
    this.byKey.set(conv.key, { ...conv, lastTs: ts });
    this.changed();
  }

  /** A message of the conversation: the preview if it is the newest, and unread if so. */
  note(ref: ConversationRef, preview: ConversationPreview, unread: boolean): void {
    const conv = this.ensure(ref);
    const ts = preview.ts ?? Date.now();
    const same =
      conv.preview?.key === preview.key || (preview.id !== undefined && conv.preview?.id === preview.id);
    const newest = conv.preview === undefined || ts >= conv.lastTs || same;
    const unreadIds = new Set(conv.unreadIds);
    if (unread && preview.id !== undefined) unreadIds.add(preview.id);
    this.byKey.set(conv.key, {
      ...conv,
      ...(newest && { preview, lastTs: Math.max(conv.lastTs, ts) }),
      unreadIds,
    });
    this.changed();
  }

  /** A status or recall reached a message: the preview follows if it shows that message. */
  patchPreview(key: string, id: string, patch: { status?: DeliveryStatus; recalled?: boolean }): void {
    const conv = this.byKey.get(key);
    if (!conv) return;
    const unreadIds = new Set(conv.unreadIds);
    const removed = patch.recalled === true && unreadIds.delete(id);
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
    this.byKey.set(key, { ...conv, preview, unreadIds });
    this.changed();
  }

  /** This page read the conversation up to its newest message (`lastReadId`). */
  markAllRead(key: string, lastReadId: string | undefined): void {
    const conv = this.byKey.get(key);
    if (!conv) return;
    const readId = lastReadId ?? conv.lastReadId;
    if (unreadCount(conv) === 0 && readId === conv.lastReadId) return;
    this.byKey.set(key, { ...conv, unreadBase: 0, unreadIds: new Set(), lastReadId: readId });
    this.changed();
  }

  /**
   * Another device read up to message `id`. Returns false when this page cannot tell what is left
   * (the message is not one it received): the server's list knows.
   */
  readElsewhere(key: string, id: string): boolean {
    const conv = this.byKey.get(key);
    if (!conv) return false;
    const ids = [...conv.unreadIds];
    const at = ids.indexOf(id);
    if (at < 0) return unreadCount(conv) === 0;
    this.byKey.set(key, { ...conv, unreadBase: 0, unreadIds: new Set(ids.slice(at + 1)), lastReadId: id });
    this.changed();
    return true;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
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
    for (const c of this.byKey.values()) n += unreadCount(c);
    return n;
  }
}
