import type { OutboxEntry, ParleyClient, SendResult } from '@parley/client';
import { type ChatEntry, type DeliveryStatus, nextOrder } from '../chat/chat-entry.js';
import type { Timeline } from '../chat/timeline.js';
import type { WebClientConfig } from '../config/load-config.js';
import {
  type ConversationPreview,
  type ConversationRef,
  conversationKey,
  idOf,
  refOf,
} from '../conversations/conversation.js';
import type { ConversationList } from '../conversations/conversation-list.js';
import { describeError } from './describe-error.js';
import { PendingSends } from './pending-sends.js';
import { WebOutbox } from './web-outbox.js';

/** What sending needs from the session. */
export interface OutgoingHost {
  readonly me: string;
  readonly config: WebClientConfig;
  readonly conversations: ConversationList;
  client(): ParleyClient;
  timeline(ref: ConversationRef): Timeline;
  existingTimeline(key: string): Timeline | undefined;
  previewOf(e: ChatEntry): ConversationPreview;
  /** The server refused a message for good (BLOCKED, MUTED, NOT_MEMBER…). */
  refused(ref: ConversationRef, err: unknown): void;
  flash(text: string): void;
  changed(): void;
}

/**
 * Messages this page sends, 1:1 and to groups: shown at once (sending), given their id when the
 * SDK's outbox stores them, then acknowledged, read or refused, all by id.
 */
export class OutgoingMessages {
  private readonly pending = new PendingSends();
  /** The conversation of each message being sent, by local key and by id. */
  private readonly homes = new Map<string, string>();
  /** Statuses that came before the page knew the message's id (after a reconnect). */
  private readonly earlyStatus = new Map<string, DeliveryStatus>();
  private readonly blobUrls: string[] = [];
  private localCounter = 0;

  constructor(private readonly host: OutgoingHost) {}

  sendText(ref: ConversationRef, text: string): boolean {
    if (text.trim() === '') return false;
    const max = this.host.config.maxMessageBytes;
    if (new TextEncoder().encode(text).length > max) {
      this.host.flash(`That message is too long (at most ${max} bytes).`);
      return false;
    }
    const entry = this.addLocal(ref, { type: 0, message: text });
    this.dispatch(ref, entry.key, text, 0);
    return true;
  }

  async sendFile(ref: ConversationRef, file: File): Promise<void> {
    if (file.size > this.host.config.maxUploadBytes) {
      this.host.flash(`Files are limited to ${Math.floor(this.host.config.maxUploadBytes / 1048576)} MB.`);
      return;
    }
    const mime = file.type || 'application/octet-stream';
    const url = URL.createObjectURL(file);
    this.blobUrls.push(url);
    const entry = this.addLocal(ref, {
      type: 1,
      message: '',
      local: { url, name: file.name || 'file', mime, size: file.size },
    });
    let uploaded: string;
    try {
      uploaded = (await this.host.client().uploadFile(file, { name: file.name || 'file', mime })).url;
    } catch (err) {
      this.markFailed(ref, entry.key, `Upload failed: ${describeError(err)}`);
      return;
    }
    this.host.timeline(ref).update(entry.key, (e) => ({ ...e, message: uploaded }));
    this.dispatch(ref, entry.key, uploaded, 1);
  }

  /** A status for an id this page does not show yet (it comes before the outbox named it). */
  noteEarlyStatus(id: string, status: DeliveryStatus): void {
    this.earlyStatus.set(id, Math.max(this.earlyStatus.get(id) ?? 0, status) as DeliveryStatus);
  }

  /** The outbox gave a message its id (before the server has it). */
  onOutboxPut(entry: OutboxEntry): void {
    const localKey = this.pending.claim(entry);
    const home = localKey === undefined ? undefined : this.homes.get(localKey);
    if (localKey === undefined || home === undefined) return;
    const tl = this.host.timeline(refOf(entry.toId));
    tl.assignId(localKey, entry.id);
    this.homes.set(entry.id, home);
    const early = this.earlyStatus.get(entry.id);
    if (early !== undefined) tl.setStatus(entry.id, early);
    this.host.changed();
  }

  /** A message left the outbox; one restored from an earlier page that is still unsent failed. */
  onOutboxDeleted(id: string): void {
    setTimeout(() => {
      const home = this.homes.get(id);
      const tl = home === undefined ? undefined : this.host.existingTimeline(home);
      const entry = tl?.get(id);
      if (tl && entry && entry.status === 0 && entry.failed === undefined) {
        tl.update(id, (e) => ({ ...e, failed: 'Not sent.' }));
        this.host.changed();
      }
    }, 0);
  }

  /** Messages an earlier page left in the outbox: shown as sending; the SDK sends them again. */
  async restore(): Promise<void> {
    const me = this.host.me;
    const entries = await new WebOutbox(me, { put: () => {}, deleted: () => {} }).list();
    for (const e of entries) {
      if (e.fromId !== me || e.toId.startsWith('!')) continue;
      const ref = refOf(e.toId);
      const entry: ChatEntry = {
        key: e.id,
        id: e.id,
        fromId: e.fromId,
        toId: e.toId,
        type: e.type,
        message: e.message,
        status: 0,
        ts: undefined,
        recalled: false,
        order: nextOrder(),
      };
      this.host.timeline(ref).put([entry]);
      this.homes.set(e.id, conversationKey(ref));
      this.host.conversations.note(ref, this.host.previewOf(entry), false);
    }
  }

  dispose(): void {
    for (const url of this.blobUrls.splice(0)) URL.revokeObjectURL(url);
  }

  private addLocal(ref: ConversationRef, content: Pick<ChatEntry, 'type' | 'message' | 'local'>): ChatEntry {
    const entry: ChatEntry = {
      key: `local-${++this.localCounter}`,
      id: undefined,
      fromId: this.host.me,
      toId: idOf(ref),
      type: content.type,
      message: content.message,
      ...(content.local && { local: content.local }),
      status: 0,
      ts: undefined,
      recalled: false,
      order: nextOrder(),
    };
    this.host.conversations.ensure(ref);
    this.host.timeline(ref).put([entry]);
    this.homes.set(entry.key, conversationKey(ref));
    this.host.conversations.note(ref, this.host.previewOf(entry), false);
    this.host.changed();
    return entry;
  }

  /** Hands a message to the SDK: the outbox gives it an id, the server acknowledges it. */
  private dispatch(ref: ConversationRef, localKey: string, message: string, type: 0 | 1): void {
    const to = idOf(ref);
    this.pending.expect(localKey, to, type, message);
    this.host
      .client()
      .send(to, type === 0 ? message : { type, message })
      .then(
        (ack) => this.acknowledged(ref, localKey, ack),
        (err: unknown) => {
          this.pending.forget(localKey);
          this.markFailed(ref, localKey, describeError(err));
          this.host.refused(ref, err);
        },
      );
  }

  private acknowledged(ref: ConversationRef, localKey: string, ack: SendResult): void {
    const tl = this.host.timeline(ref);
    this.pending.forget(localKey);
    tl.assignId(localKey, ack.id);
    this.homes.set(ack.id, conversationKey(ref));
    const entry = tl.setStatus(ack.id, this.earlyStatus.get(ack.id) ?? 1, ack.ts);
    this.earlyStatus.delete(ack.id);
    if (entry) this.host.conversations.note(ref, this.host.previewOf(entry), false);
    this.host.changed();
  }

  private markFailed(ref: ConversationRef, key: string, reason: string): void {
    this.host.timeline(ref).update(key, (e) => (e.status === 0 ? { ...e, failed: reason } : e));
    this.host.changed();
  }
}
