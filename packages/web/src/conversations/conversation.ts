import type { MsgTypeCode } from '@parley/client';
import type { DeliveryStatus } from '../chat/chat-entry.js';

/**
 * Which conversation: a 1:1 chat with a peer. Group conversations will be another kind
 * (`{ kind: 'group'; groupId }`) with keys of their own, so that lists, unread counts and routes
 * keep working by key.
 */
export type ConversationRef = { kind: 'direct'; peerId: string };

export function directRef(peerId: string): ConversationRef {
  return { kind: 'direct', peerId };
}

/** A stable string for maps, routes and DOM attributes: `direct:HK0002`. */
export function conversationKey(ref: ConversationRef): string {
  return `${ref.kind}:${ref.peerId}`;
}

/** The other side of a 1:1 message, seen by `me` (notes to self: me). */
export function peerOf(me: string, m: { fromId: string; toId: string }): string {
  return m.fromId === me ? m.toId : m.fromId;
}

/** The newest message of a conversation, as the list shows it. */
export interface ConversationPreview {
  /** The message's render key (its id, or a local key while it is being sent). */
  key: string;
  id: string | undefined;
  fromMe: boolean;
  type: MsgTypeCode;
  /** The text; for a file, its name when this page sent it (else '' and `fileUrl`). */
  text: string;
  /** A file message's URL. */
  fileUrl?: string;
  status: DeliveryStatus;
  recalled: boolean;
  ts: number | undefined;
}

export interface Conversation {
  key: string;
  ref: ConversationRef;
  title: string;
  preview: ConversationPreview | undefined;
  /** Ids of received messages not read yet. */
  unread: ReadonlySet<string>;
  /** When its newest message was stored (or sent from here); 0 for a contact without messages. */
  lastTs: number;
}
