import { isGroupId, type MsgTypeCode } from '@parley/client';
import { UNREAD_MAX } from '@parley/protocol';
import type { DeliveryStatus } from '../chat/chat-entry.js';

/** Which conversation: a 1:1 chat with a peer, or a group (`~…`). */
export type ConversationRef = { kind: 'direct'; peerId: string } | { kind: 'group'; groupId: string };

export function directRef(peerId: string): ConversationRef {
  return { kind: 'direct', peerId };
}

export function groupRef(groupId: string): ConversationRef {
  return { kind: 'group', groupId };
}

/** The conversation a protocol id names: a group id (`~…`), else a user. */
export function refOf(conversationId: string): ConversationRef {
  return isGroupId(conversationId) ? groupRef(conversationId) : directRef(conversationId);
}

/** The protocol id of a conversation: where its messages go (`toId`). */
export function idOf(ref: ConversationRef): string {
  return ref.kind === 'direct' ? ref.peerId : ref.groupId;
}

/** A stable string for maps and DOM attributes: `direct:HK0002`, `group:~k3v9x2m4qa`. */
export function conversationKey(ref: ConversationRef): string {
  return `${ref.kind}:${idOf(ref)}`;
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
  /** Who sent it (a group's list shows the name). */
  fromId: string;
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
  /** Unread messages the server counted that this page has not received itself. */
  unreadBase: number;
  /** Ids of unread messages this page received since (in arrival order). */
  unreadIds: ReadonlySet<string>;
  /** The newest message this page marked read (the server's read position once it commits). */
  lastReadId: string | undefined;
  /** Last activity (newest message, or joining a group), epoch ms; 0 for a contact without messages. */
  lastTs: number;
}

/** The unread count shown: what the server counted plus what arrived since (the server stops at 999). */
export function unreadCount(c: Conversation): number {
  return Math.min(UNREAD_MAX, c.unreadBase + c.unreadIds.size);
}
