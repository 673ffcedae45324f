import {
  type ConnectionState,
  type Contact,
  type FriendRequestNotice,
  type FriendResponseNotice,
  type HistoryEntry,
  type OutboxEntry,
  ParleyClient,
  type ParleyError,
  type RecallNotice,
  type ReceivedMessage,
  type SendResult,
  type StatusChange,
  type UnfriendNotice,
} from '@parley/client';
import { Observable } from '../app/observable.js';
import type { Credentials } from '../auth/credentials.js';
import { USER_ID } from '../auth/credentials.js';
import { type ChatEntry, type DeliveryStatus, entryFrom, nextOrder } from '../chat/chat-entry.js';
import { Timeline } from '../chat/timeline.js';
import { TypingIn, TypingOut, typingEnvelope, typingSignalOf } from '../chat/typing.js';
import type { WebClientConfig } from '../config/load-config.js';
import { webSocketUrl } from '../config/load-config.js';
import { FriendRequests } from '../contacts/friend-requests.js';
import {
  ClientSideConversationSource,
  type ConversationSource,
} from '../conversations/client-side-source.js';
import {
  type ConversationPreview,
  type ConversationRef,
  conversationKey,
  directRef,
  peerOf,
} from '../conversations/conversation.js';
import { ConversationList } from '../conversations/conversation-list.js';
import { PresenceTracker } from '../presence/presence-tracker.js';
import { describeError } from './describe-error.js';
import { firstPage } from './history-pages.js';
import { PendingSends } from './pending-sends.js';
import { WebOutbox } from './web-outbox.js';

const PAGE_SIZE = 30;
const PRESENCE_EVERY_MS = 30_000;
const NOTICE_MS = 6_000;

/**
 * One signed-in user: the SDK client and everything the screens show, kept current from the
 * client's events. Screens read its fields and call its methods; it tells them when it changed.
 */
export class ChatSession extends Observable {
  readonly me: string;
  readonly client: ParleyClient;
  readonly conversations = new ConversationList();
  readonly presence = new PresenceTracker();
  readonly typingIn = new TypingIn();
  readonly friends: FriendRequests;
  contacts: Contact[] = [];
  connection: ConnectionState = 'idle';
  /** Set once connected: a later connect is a reconnect (contacts may have changed meanwhile). */
  private everConnected = false;
  /** The conversation list has been loaded. */
  listLoaded = false;
  /** A passing message for the person (an error, a friend request). */
  notice: string | undefined;
  /** The client closed for good (the server refused the sign-in). */
  fatal: string | undefined;
  activeKey: string | undefined;

  private readonly source: ConversationSource;
  private readonly typingOut = new TypingOut();
  private readonly pending = new PendingSends();
  private readonly timelines = new Map<string, Timeline>();
  /** The conversation of each message being sent, by local key and by id. */
  private readonly homes = new Map<string, string>();
  /** Statuses that came before the page knew the message's id (after a reconnect). */
  private readonly earlyStatus = new Map<string, DeliveryStatus>();
  private readonly blobUrls: string[] = [];
  private readonly cleanups: (() => void)[] = [];
  private lastError: ParleyError | undefined;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  private localCounter = 0;
  private stopped = false;

  constructor(
    readonly config: WebClientConfig,
    credentials: Credentials,
  ) {
    super();
    this.me = credentials.userId;
    this.friends = new FriendRequests(this.me);
    const outbox = new WebOutbox(this.me, {
      put: (entry) => this.onOutboxPut(entry),
      deleted: (id) => this.onOutboxDeleted(id),
    });
    this.client = new ParleyClient({
      url: webSocketUrl(),
      userId: this.me,
      outbox,
      ...(credentials.getToken && { getToken: credentials.getToken }),
      // a person waits for the banner to go: come back sooner than the SDK's 30 s ceiling
      reconnectMaxMs: 5_000,
    });
    this.source = new ClientSideConversationSource(this.client);
    for (const model of [this.conversations, this.presence, this.typingIn, this.friends]) {
      this.cleanups.push(model.subscribe(() => this.changed()));
    }
    const c = this.client;
    this.cleanups.push(
      c.on('state', ({ state }) => this.onState(state)),
      c.on('message', (m) => this.onMessage(m)),
      c.on('status', (s) => this.onStatus(s)),
      c.on('recall', (r) => this.onRecall(r)),
      c.on('friendRequest', (f) => this.onFriendRequest(f)),
      c.on('friendResponse', (f) => this.onFriendResponse(f)),
      c.on('friendRemoved', (f) => this.onFriendRemoved(f)),
      c.on('error', (err) => {
        this.lastError = err;
        if (c.state !== 'closed') this.flash(describeError(err));
      }),
    );
    const onVisible = () => this.markVisibleRead();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    this.cleanups.push(() => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    });
    const presenceTimer = setInterval(() => this.refreshPresence(), PRESENCE_EVERY_MS);
    this.cleanups.push(() => clearInterval(presenceTimer));
  }

  /** Connects (and keeps reconnecting), then loads the conversation list. */
  async start(): Promise<void> {
    await this.restoreOutbox();
    try {
      await this.client.connect();
    } catch {
      return; // fatal: onState shows why
    }
    try {
      await this.loadList();
    } catch (err) {
      this.flash(`Could not load the conversations: ${describeError(err)}`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.typingIn.dispose();
    clearTimeout(this.noticeTimer);
    await this.client.close();
    for (const url of this.blobUrls.splice(0)) URL.revokeObjectURL(url);
  }

  // ---- what the screens read ---------------------------------------------------------------

  timeline(ref: ConversationRef): Timeline {
    const key = conversationKey(ref);
    let tl = this.timelines.get(key);
    if (!tl) {
      tl = new Timeline();
      this.timelines.set(key, tl);
    }
    return tl;
  }

  /** The title of a conversation: the contact's name, else the user id. */
  titleOf(ref: ConversationRef): string {
    return this.conversations.get(conversationKey(ref))?.title ?? ref.peerId;
  }

  /** The link is down and the client is trying again (the first attempt failed, or it was lost). */
  get reconnecting(): boolean {
    return this.connection === 'reconnecting';
  }

  // ---- what the screens do -----------------------------------------------------------------

  open(ref: ConversationRef): void {
    const key = conversationKey(ref);
    this.conversations.ensure(ref);
    this.activeKey = key;
    const tl = this.timeline(ref);
    if (!tl.loaded) void this.loadOlder(ref);
    this.markVisibleRead();
    this.changed();
  }

  closeChat(): void {
    this.activeKey = undefined;
    this.changed();
  }

  /** Starts a chat with any user id (a contact, or anyone the server knows). */
  startChat(peerId: string): boolean {
    const id = peerId.trim();
    if (!USER_ID.test(id)) {
      this.flash('A user id is 1 to 64 letters, digits and _ . @ : + -');
      return false;
    }
    this.open(directRef(id));
    return true;
  }

  /** The next older page of history (the first page when the chat opens). */
  async loadOlder(ref: ConversationRef): Promise<void> {
    const tl = this.timeline(ref);
    if (tl.loading || tl.reachedStart) return;
    tl.loading = true;
    this.changed();
    try {
      const before = tl.loaded ? tl.oldestId() : undefined;
      const page = await firstPage(
        this.client.history({ with: ref.peerId, pageSize: PAGE_SIZE, ...(before && { before }) }),
      );
      if (page.length === 0) tl.reachedStart = true;
      else tl.put(page.map(entryFrom), tl.loaded);
      tl.loaded = true;
    } catch (err) {
      this.flash(`Could not load messages: ${describeError(err)}`);
    } finally {
      tl.loading = false;
      this.markVisibleRead();
      this.changed();
    }
  }

  sendText(ref: ConversationRef, text: string): boolean {
    if (text.trim() === '') return false;
    if (new TextEncoder().encode(text).length > this.config.maxMessageBytes) {
      this.flash(`That message is too long (at most ${this.config.maxMessageBytes} bytes).`);
      return false;
    }
    const entry = this.addLocal(ref, { type: 0, message: text });
    this.stopTyping(ref);
    this.dispatch(ref, entry.key, text, 0);
    return true;
  }

  async sendFile(ref: ConversationRef, file: File): Promise<void> {
    if (file.size > this.config.maxUploadBytes) {
      this.flash(`Files are limited to ${Math.floor(this.config.maxUploadBytes / 1048576)} MB.`);
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
      uploaded = (await this.client.uploadFile(file, { name: file.name || 'file', mime })).url;
    } catch (err) {
      this.markFailed(ref, entry.key, `Upload failed: ${describeError(err)}`);
      return;
    }
    this.timeline(ref).update(entry.key, (e) => ({ ...e, message: uploaded }));
    this.dispatch(ref, entry.key, uploaded, 1);
  }

  recall(ref: ConversationRef, entry: ChatEntry): void {
    const id = entry.id;
    if (id === undefined) return;
    this.client.recall(id, entry.toId).then(
      () => this.applyRecall(conversationKey(ref), id),
      (err: unknown) => this.flash(describeError(err)),
    );
  }

  /** The composer's text changed: tell the peer we type (debounced), or that we stopped. */
  typing(ref: ConversationRef, text: string): void {
    if (this.connection !== 'connected' || ref.peerId === this.me) return;
    if (text === '') this.stopTyping(ref);
    else if (this.typingOut.shouldStart(ref.peerId)) this.signalTyping(ref.peerId, 'start');
  }

  addFriend(userId: string, message: string): Promise<boolean> {
    return this.client.addFriend(userId.trim(), message || undefined).then(
      (f) => {
        this.friends.addOutgoing({ userId: f.toId, message: f.chatMsg.message, ts: f.chatMsg.ts });
        this.flash(`Request sent to ${f.toId}.`);
        return true;
      },
      (err: unknown) => {
        this.flash(describeError(err));
        return false;
      },
    );
  }

  respondFriend(userId: string, accepted: boolean): void {
    this.client.respondFriend(userId, accepted).then(
      () => {
        this.friends.settle(userId);
        if (accepted) void this.refreshContacts();
      },
      (err: unknown) => this.flash(describeError(err)),
    );
  }

  removeFriend(userId: string): void {
    this.client.removeFriend(userId).then(
      () => this.refreshContacts(),
      (err: unknown) => this.flash(describeError(err)),
    );
  }

  dismissNotice(): void {
    this.notice = undefined;
    this.changed();
  }

  // ---- client events -----------------------------------------------------------------------

  private onState(state: ConnectionState): void {
    this.connection = state;
    if (state === 'connected') {
      const again = this.everConnected;
      this.everConnected = true;
      if (again) void this.refreshContacts();
      void this.refreshPresence();
    }
    if (state === 'closed' && !this.stopped) {
      this.fatal = this.lastError ? describeError(this.lastError) : 'The connection was closed.';
    }
    this.changed();
  }

  private onMessage(m: ReceivedMessage): void {
    const peer = peerOf(this.me, m);
    const signal = typingSignalOf(m);
    if (signal) {
      this.typingIn.signal(peer, signal);
      this.presence.set(peer, true);
      return;
    }
    if (m.transient) return;
    const ref = directRef(peer);
    const key = conversationKey(ref);
    const entry = entryFrom(m);
    this.typingIn.clear(peer);
    if (m.fromId !== this.me) this.presence.set(peer, true);
    this.timeline(ref).put([entry]);
    const incoming = m.fromId !== this.me && entry.status < 2 && !entry.recalled;
    this.conversations.note(ref, this.previewOf(entry), incoming);
    if (incoming && this.activeKey === key) this.markVisibleRead();
    this.changed();
  }

  private onStatus(s: StatusChange): void {
    if (s.toId !== this.me) return;
    const key = conversationKey(directRef(s.fromId));
    const updated = this.timelines.get(key)?.setStatus(s.id, s.status, s.ts);
    if (!updated) this.earlyStatus.set(s.id, Math.max(this.earlyStatus.get(s.id) ?? 0, s.status) as 1 | 2);
    this.conversations.patchPreview(key, s.id, { status: s.status });
    this.changed();
  }

  private onRecall(r: RecallNotice): void {
    this.applyRecall(conversationKey(directRef(peerOf(this.me, r))), r.chatMsg.id);
  }

  private onFriendRequest(f: FriendRequestNotice): void {
    const item = { message: f.chatMsg?.message ?? '', ts: f.chatMsg?.ts };
    if (f.toId === this.me) {
      this.friends.addIncoming({ userId: f.fromId, ...item });
      this.flash(`${f.fromId} sent you a contact request.`);
    } else this.friends.addOutgoing({ userId: f.toId, ...item });
  }

  private onFriendResponse(f: FriendResponseNotice): void {
    this.friends.settle(peerOf(this.me, f));
    if (f.toId === this.me) {
      this.flash(`${f.fromId} ${f.accepted ? 'accepted' : 'declined'} your contact request.`);
    }
    if (f.accepted) void this.refreshContacts();
  }

  private onFriendRemoved(f: UnfriendNotice): void {
    this.friends.settle(peerOf(this.me, f));
    void this.refreshContacts();
  }

  // ---- sending -----------------------------------------------------------------------------

  private addLocal(ref: ConversationRef, content: Pick<ChatEntry, 'type' | 'message' | 'local'>): ChatEntry {
    const entry: ChatEntry = {
      key: `local-${++this.localCounter}`,
      id: undefined,
      fromId: this.me,
      toId: ref.peerId,
      type: content.type,
      message: content.message,
      ...(content.local && { local: content.local }),
      status: 0,
      ts: undefined,
      recalled: false,
      order: nextOrder(),
    };
    this.conversations.ensure(ref);
    this.timeline(ref).put([entry]);
    this.homes.set(entry.key, conversationKey(ref));
    this.conversations.note(ref, this.previewOf(entry), false);
    this.changed();
    return entry;
  }

  /** Hands a message to the SDK: the outbox gives it an id, the server acknowledges it. */
  private dispatch(ref: ConversationRef, localKey: string, message: string, type: 0 | 1): void {
    this.pending.expect(localKey, ref.peerId, type, message);
    this.client.send(ref.peerId, type === 0 ? message : { type, message }).then(
      (ack) => this.acknowledged(ref, localKey, ack),
      (err: unknown) => {
        this.pending.forget(localKey);
        this.markFailed(ref, localKey, describeError(err));
      },
    );
  }

  private acknowledged(ref: ConversationRef, localKey: string, ack: SendResult): void {
    const tl = this.timeline(ref);
    this.pending.forget(localKey);
    tl.assignId(localKey, ack.id);
    this.homes.set(ack.id, conversationKey(ref));
    const entry = tl.setStatus(ack.id, this.earlyStatus.get(ack.id) ?? 1, ack.ts);
    this.earlyStatus.delete(ack.id);
    if (entry) this.conversations.note(ref, this.previewOf(entry), false);
    this.changed();
  }

  private markFailed(ref: ConversationRef, key: string, reason: string): void {
    this.timeline(ref).update(key, (e) => (e.status === 0 ? { ...e, failed: reason } : e));
    this.changed();
  }

  /** The outbox gave a message its id (before the server has it). */
  private onOutboxPut(entry: OutboxEntry): void {
    const localKey = this.pending.claim(entry);
    const home = localKey === undefined ? undefined : this.homes.get(localKey);
    if (localKey === undefined || home === undefined) return;
    const ref = directRef(entry.toId);
    const tl = this.timeline(ref);
    tl.assignId(localKey, entry.id);
    this.homes.set(entry.id, home);
    const early = this.earlyStatus.get(entry.id);
    if (early !== undefined) tl.setStatus(entry.id, early);
    this.changed();
  }

  /** A message left the outbox; one restored from an earlier page that is still unsent failed. */
  private onOutboxDeleted(id: string): void {
    setTimeout(() => {
      const home = this.homes.get(id);
      const tl = home === undefined ? undefined : this.timelines.get(home);
      const entry = tl?.get(id);
      if (tl && entry && entry.status === 0 && entry.failed === undefined) {
        tl.update(id, (e) => ({ ...e, failed: 'Not sent.' }));
        this.changed();
      }
    }, 0);
  }

  /** Messages an earlier page left in the outbox: shown as sending; the SDK sends them again. */
  private async restoreOutbox(): Promise<void> {
    const entries = await new WebOutbox(this.me, { put: () => {}, deleted: () => {} }).list();
    for (const e of entries) {
      if (e.fromId !== this.me) continue;
      const ref = directRef(e.toId);
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
      this.timeline(ref).put([entry]);
      this.homes.set(e.id, conversationKey(ref));
      this.conversations.note(ref, this.previewOf(entry), false);
    }
  }

  // ---- the rest ----------------------------------------------------------------------------

  private async loadList(): Promise<void> {
    const seeds = await this.source.load();
    for (const seed of seeds) {
      this.conversations.ensure(seed.ref, seed.title);
      const last = seed.recent.at(-1);
      if (last) this.conversations.note(seed.ref, this.previewOf(entryFrom(last)), false);
      const unread = seed.recent.filter((e) => this.isUnread(e)).map((e) => e.chatMsg.id);
      this.conversations.addUnread(conversationKey(seed.ref), unread);
    }
    this.contacts = await this.client.contacts();
    this.listLoaded = true;
    if (this.activeKey !== undefined) this.markVisibleRead();
    void this.refreshPresence();
    this.changed();
  }

  private isUnread(e: HistoryEntry): boolean {
    return e.fromId !== this.me && e.chatMsg.status !== 2 && e.chatMsg.recalled !== true;
  }

  private async refreshContacts(): Promise<void> {
    try {
      this.contacts = await this.client.contacts();
      for (const c of this.contacts) this.conversations.ensure(directRef(c.toId), c.toName || c.toId);
      this.changed();
      void this.refreshPresence();
    } catch {
      // offline: the next connect refreshes them
    }
  }

  private async refreshPresence(): Promise<void> {
    if (this.connection !== 'connected') return;
    const ids = new Set(this.contacts.map((c) => c.toId));
    for (const conv of this.conversations.sorted()) ids.add(conv.ref.peerId);
    ids.delete(this.me);
    await this.presence.refresh(this.client, [...ids]);
  }

  /** Read receipts for what the open chat shows, when the page is visible. */
  private markVisibleRead(): void {
    const key = this.activeKey;
    if (key === undefined || document.visibilityState !== 'visible') return;
    const tl = this.timelines.get(key);
    const conv = this.conversations.get(key);
    const ids = new Set(conv?.unread ?? []);
    for (const e of tl?.list() ?? []) {
      if (e.fromId !== this.me && e.id !== undefined && e.status < 2 && !e.recalled) ids.add(e.id);
    }
    if (ids.size === 0 || !conv) return;
    for (const id of ids) {
      this.client.markRead({ fromId: conv.ref.peerId, chatMsg: { id } });
      tl?.setStatus(id, 2);
    }
    this.conversations.markRead(key, ids);
    this.changed();
  }

  private applyRecall(key: string, id: string): void {
    this.timelines.get(key)?.recall(id);
    this.conversations.patchPreview(key, id, { recalled: true });
    this.changed();
  }

  private stopTyping(ref: ConversationRef): void {
    if (this.typingOut.shouldStop(ref.peerId) && this.connection === 'connected') {
      this.signalTyping(ref.peerId, 'stop');
    }
  }

  private signalTyping(peer: string, signal: 'start' | 'stop'): void {
    // transient: never stored; OFFLINE when the peer has no connection, which is fine
    this.client
      .sendTransient(peer, { type: 2, message: typingEnvelope(this.me, signal) })
      .catch(() => undefined);
  }

  private previewOf(e: ChatEntry): ConversationPreview {
    return {
      key: e.key,
      id: e.id,
      fromMe: e.fromId === this.me,
      type: e.type,
      text: e.type === 1 ? (e.local?.name ?? '') : e.message,
      ...(e.type === 1 && e.message !== '' && { fileUrl: e.message }),
      status: e.status,
      recalled: e.recalled,
      ts: e.ts,
    };
  }

  private flash(text: string): void {
    this.notice = text;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.notice = undefined;
      this.changed();
    }, NOTICE_MS);
    this.changed();
  }
}
