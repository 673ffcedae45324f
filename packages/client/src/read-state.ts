/** Reading: the read receipts this client sends and the unread counts that they and new messages move. */
import { type Conversation, isGroupId, isRoomId, type StatusFrame } from '@parley/protocol';
import { conversationOf, UnreadCounts } from './conversations.js';
import type { ClientEvents, MessageRef } from './types.js';

const MAX_QUEUED_RECEIPTS = 1000;

export interface ReadStateDeps {
  userId: string;
  /** Writes on the current connection; false when there is none. */
  write(frame: StatusFrame): boolean;
  emit<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void;
}

/**
 * Read receipts (action 4 status 2), written at once or queued until the next connect, and this
 * client's unread counts: seeded from the conversation list, raised by messages from others,
 * lowered by reads here or on another device (`unread` events for each change).
 */
export class ReadState {
  private readonly queuedReceipts: StatusFrame[] = [];
  private readonly unreadCounts = new UnreadCounts();

  constructor(private readonly deps: ReadStateDeps) {}

  /** The unread count of a conversation (a user or group id). */
  unread(conversationId: string): number {
    return this.unreadCounts.get(conversationId);
  }

  /**
   * Sends a read receipt for a received message or history entry (see `ParleyClient.markRead`);
   * queued while disconnected, written on the next connect.
   */
  markRead(msg: MessageRef): void {
    const { userId } = this.deps;
    if (msg.transient) return;
    const group = msg.toId !== undefined && isGroupId(msg.toId);
    if (msg.toId !== undefined && isRoomId(msg.toId)) return;
    if (group && msg.fromId === userId) return;
    const frame: StatusFrame = {
      action: '4',
      fromId: userId,
      toId: group ? msg.toId! : msg.fromId,
      chatMsg: { id: msg.chatMsg.id, status: 2 },
    };
    this.readUpTo(conversationOf(userId, msg.fromId, msg.toId ?? userId).conversationId, msg.chatMsg.id);
    if (this.deps.write(frame)) return;
    if (this.queuedReceipts.length < MAX_QUEUED_RECEIPTS) this.queuedReceipts.push(frame);
  }

  /** A new connection is ready: the receipts queued meanwhile go out. */
  flush(): void {
    for (const frame of this.queuedReceipts.splice(0)) this.deps.write(frame);
  }

  /** Takes the server's counts from a page of the conversation list. */
  seed(conversations: readonly Conversation[]): void {
    for (const change of this.unreadCounts.seed(conversations)) this.deps.emit('unread', change);
  }

  /** The read position of a conversation moved to message `id` (here or on another device). */
  readUpTo(conversationId: string, id: string): void {
    const unread = this.unreadCounts.read(conversationId, id);
    if (unread !== undefined) this.deps.emit('unread', { conversationId, unread });
  }

  /** A message from someone else in a user or group conversation counts as unread here. */
  countUnread(msg: ClientEvents['message']): void {
    if (msg.transient || msg.kind === 'room' || msg.fromId === this.deps.userId) return;
    const unread = this.unreadCounts.received(msg.conversationId, msg.chatMsg.id);
    this.deps.emit('unread', { conversationId: msg.conversationId, unread });
  }
}
