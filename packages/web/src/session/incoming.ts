/** Messages, statuses and recalls from the client, into timelines, the list, typing and presence. */
import { conversationOf, type RecallNotice, type ReceivedMessage, type StatusChange } from '@parley/client';
import { type ChatEntry, type DeliveryStatus, entryFrom } from '../chat/chat-entry.js';
import type { Timeline } from '../chat/timeline.js';
import { type TypingIn, typingSignalOf } from '../chat/typing.js';
import {
  type ConversationPreview,
  type ConversationRef,
  conversationKey,
  directRef,
  refOf,
} from '../conversations/conversation.js';
import type { ConversationList } from '../conversations/conversation-list.js';
import type { PresenceTracker } from '../presence/presence-tracker.js';

/** What incoming messages need from the session. */
export interface IncomingHost {
  readonly me: string;
  readonly conversations: ConversationList;
  readonly presence: PresenceTracker;
  readonly typingIn: TypingIn;
  timeline(ref: ConversationRef): Timeline;
  existingTimeline(key: string): Timeline | undefined;
  previewOf(e: ChatEntry): ConversationPreview;
  /** The open conversation's key. */
  activeKey(): string | undefined;
  /** A status for a message of ours the page does not know by id yet (after a reconnect). */
  noteEarlyStatus(id: string, status: DeliveryStatus): void;
  markVisibleRead(): void;
  /** The server's first page of the list again (its unread counts). */
  refreshList(): void;
  changed(): void;
}

/**
 * The client's `message`, `status` and `recall` events: messages (and typing signals) of 1:1
 * chats and groups, acknowledgements and read receipts of ours, reads on this user's other
 * devices, and recalls.
 */
export class IncomingMessages {
  constructor(private readonly host: IncomingHost) {}

  onMessage(m: ReceivedMessage): void {
    if (m.kind === 'room') return;
    const ref = refOf(m.conversationId);
    const key = conversationKey(ref);
    const signal = typingSignalOf(m);
    if (signal) {
      if (m.fromId === this.host.me) return;
      this.host.typingIn.signal(key, m.fromId, signal);
      if (ref.kind === 'direct') this.host.presence.set(m.fromId, true);
      return;
    }
    if (m.transient) return;
    const entry = entryFrom(m);
    this.host.typingIn.clear(key, m.fromId);
    if (m.fromId !== this.host.me && ref.kind === 'direct') this.host.presence.set(m.fromId, true);
    this.host.timeline(ref).put([entry]);
    const incoming = m.fromId !== this.host.me && entry.status < 2 && !entry.recalled;
    this.host.conversations.note(ref, this.host.previewOf(entry), incoming);
    if (incoming && this.host.activeKey() === key) this.host.markVisibleRead();
    this.host.changed();
  }

  onStatus(s: StatusChange): void {
    if (s.fromId === this.host.me && s.toId !== this.host.me) {
      // read on another device of this user: that conversation's unread count goes down
      const key = conversationKey(directRef(s.toId));
      if (s.status === 2) {
        this.host.existingTimeline(key)?.setStatus(s.id, 2);
        if (!this.host.conversations.readElsewhere(key, s.id)) this.host.refreshList();
      }
      this.host.changed();
      return;
    }
    if (s.toId !== this.host.me) return;
    // the acknowledgement (from the peer or group) or a read receipt (from the peer) of a message of ours
    const key = conversationKey(refOf(s.fromId));
    const updated = this.host.existingTimeline(key)?.setStatus(s.id, s.status, s.ts);
    if (!updated) this.host.noteEarlyStatus(s.id, s.status);
    this.host.conversations.patchPreview(key, s.id, { status: s.status });
    this.host.changed();
  }

  onRecall(r: RecallNotice): void {
    const { conversationId, kind } = conversationOf(this.host.me, r.fromId, r.toId);
    if (kind === 'room') return;
    this.applyRecall(conversationKey(refOf(conversationId)), r.chatMsg.id);
  }

  /** Message `id` of the conversation with `key` was recalled (here, or by its sender). */
  applyRecall(key: string, id: string): void {
    this.host.existingTimeline(key)?.recall(id);
    this.host.conversations.patchPreview(key, id, { recalled: true });
    this.host.changed();
  }
}
