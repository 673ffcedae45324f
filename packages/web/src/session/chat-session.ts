import {
  type ConnectionState,
  type Contact,
  conversationOf,
  ErrorCode,
  isGroupId,
  isParleyError,
  ParleyClient,
  type ParleyError,
  type RecallNotice,
  type ReceivedMessage,
  type StatusChange,
} from '@parley/client';
import { Observable } from '../app/observable.js';
import type { Credentials } from '../auth/credentials.js';
import { USER_ID } from '../auth/credentials.js';
import { type ChatEntry, entryFrom } from '../chat/chat-entry.js';
import { Timeline } from '../chat/timeline.js';
import { TypingIn, TypingOut, typingEnvelope, typingSignalOf } from '../chat/typing.js';
import type { WebClientConfig } from '../config/load-config.js';
import { webSocketUrl } from '../config/load-config.js';
import { Blocklist } from '../contacts/blocklist.js';
import { FriendRequests } from '../contacts/friend-requests.js';
import {
  type ConversationPreview,
  type ConversationRef,
  conversationKey,
  directRef,
  groupRef,
  idOf,
  refOf,
} from '../conversations/conversation.js';
import { ConversationList } from '../conversations/conversation-list.js';
import { ListPager } from '../conversations/list-pager.js';
import { type ConversationPage, ServerConversationSource } from '../conversations/server-source.js';
import { GroupDirectory } from '../groups/group-directory.js';
import { PresenceTracker } from '../presence/presence-tracker.js';
import { describeError } from './describe-error.js';
import { FriendActions } from './friend-actions.js';
import { GroupActions } from './group-actions.js';
import { directPage, groupPage } from './history-pages.js';
import { OutgoingMessages } from './outgoing.js';
import { readsDue } from './reads-due.js';
import { WebOutbox } from './web-outbox.js';

const PAGE_SIZE = 30;
const LIST_PAGE_SIZE = 30;
const PRESENCE_EVERY_MS = 30_000;
const NOTICE_MS = 6_000;
/** Coming back to the page asks the server's list again at most this often (reads elsewhere). */
const LIST_REFRESH_MIN_MS = 5_000;

/** Refusals a person should read about at once, not only under the message. */
const LOUD_REFUSALS = new Set<string>([
  ErrorCode.Blocked,
  ErrorCode.Muted,
  ErrorCode.NotMember,
  ErrorCode.GroupDismissed,
  ErrorCode.UnknownGroup,
]);

/**
 * One signed-in user: the SDK client and everything the screens show, kept current from the
 * client's events. Screens read its fields and call its methods; it tells them when it changed.
 */
export class ChatSession extends Observable {
  readonly me: string;
  readonly client: ParleyClient;
  readonly conversations = new ConversationList();
  readonly groups = new GroupDirectory();
  readonly blocklist = new Blocklist();
  readonly presence = new PresenceTracker();
  readonly typingIn = new TypingIn();
  readonly friends: FriendRequests;
  readonly groupActions: GroupActions;
  readonly friendActions: FriendActions;
  readonly pager: ListPager;
  contacts: Contact[] = [];
  connection: ConnectionState = 'idle';
  /** Set once connected: a later connect is a reconnect (contacts may have changed meanwhile). */
  private everConnected = false;
  /** A passing message for the person (an error, a friend request). */
  notice: string | undefined;
  /** The client closed for good (the server refused the sign-in). */
  fatal: string | undefined;
  activeKey: string | undefined;

  private readonly outgoing: OutgoingMessages;
  private readonly typingOut = new TypingOut();
  private readonly timelines = new Map<string, Timeline>();
  /** Display names of users: contacts, the list's peers, group members. */
  private readonly names = new Map<string, string>();
  private readonly cleanups: (() => void)[] = [];
  private lastError: ParleyError | undefined;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private lastRefresh = 0;
  private stopped = false;

  constructor(
    readonly config: WebClientConfig,
    credentials: Credentials,
  ) {
    super();
    this.me = credentials.userId;
    this.friends = new FriendRequests(this.me);
    const notify = () => this.changed();
    const timeline = (ref: ConversationRef) => this.timeline(ref);
    this.outgoing = new OutgoingMessages({
      me: this.me,
      config,
      conversations: this.conversations,
      client: () => this.client,
      timeline,
      existingTimeline: (key) => this.timelines.get(key),
      previewOf: (e) => this.previewOf(e),
      refused: (ref, err) => this.refused(ref, err),
      flash: (text) => this.flash(text),
      changed: notify,
    });
    const outbox = new WebOutbox(this.me, {
      put: (entry) => this.outgoing.onOutboxPut(entry),
      deleted: (id) => this.outgoing.onOutboxDeleted(id),
    });
    this.client = new ParleyClient({
      url: webSocketUrl(),
      userId: this.me,
      outbox,
      ...(credentials.getToken && { getToken: credentials.getToken }),
      // a person waits for the banner to go: come back sooner than the SDK's 30 s ceiling
      reconnectMaxMs: 5_000,
    });
    this.groupActions = new GroupActions({
      me: this.me,
      conversations: this.conversations,
      groups: this.groups,
      client: () => this.client,
      timeline,
      activeKey: () => this.activeKey,
      setName: (userId, name) => this.names.set(userId, name),
      changed: notify,
    });
    this.friendActions = new FriendActions({
      me: this.me,
      friends: this.friends,
      client: () => this.client,
      refreshContacts: () => void this.refreshContacts(),
      flash: (text) => this.flash(text),
    });
    const source = new ServerConversationSource(
      this.client,
      (last) => this.previewOf(entryFrom(last)),
      LIST_PAGE_SIZE,
    );
    this.pager = new ListPager(source, (page) => this.applyPage(page));
    for (const model of [
      this.conversations,
      this.groups,
      this.blocklist,
      this.presence,
      this.typingIn,
      this.friends,
    ]) {
      this.cleanups.push(model.subscribe(notify));
    }
    const c = this.client;
    this.cleanups.push(
      c.on('state', ({ state }) => this.onState(state)),
      c.on('message', (m) => this.onMessage(m)),
      c.on('status', (s) => this.onStatus(s)),
      c.on('recall', (r) => this.onRecall(r)),
      c.on('groupEvent', (f) => this.groupActions.onEvent(f)),
      c.on('groupRead', (r) => this.groupActions.onReceipt(r)),
      c.on('friendRequest', (f) => this.friendActions.onRequest(f)),
      c.on('friendResponse', (f) => this.friendActions.onResponse(f)),
      c.on('friendRemoved', (f) => this.friendActions.onRemoved(f)),
      c.on('error', (err) => {
        this.lastError = err;
        if (c.state !== 'closed') this.flash(describeError(err));
      }),
    );
    const onVisible = () => this.onVisible();
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
    await this.outgoing.restore();
    try {
      await this.client.connect();
    } catch {
      return; // fatal: onState shows why
    }
    await this.loadAll(true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.typingIn.dispose();
    clearTimeout(this.noticeTimer);
    await this.client.close();
    this.outgoing.dispose();
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

  /** The title of a conversation: the peer's or group's name, else its id. */
  titleOf(ref: ConversationRef): string {
    const listed = this.conversations.get(conversationKey(ref))?.title;
    if (ref.kind === 'direct') return listed ?? ref.peerId;
    return this.groups.get(ref.groupId).info?.name ?? listed ?? 'Group';
  }

  /** A user's display name, else the id. */
  nameOf(userId: string): string {
    return this.names.get(userId) || userId;
  }

  /** How many other members read one of this user's group messages. */
  readCountOf(ref: ConversationRef, entry: ChatEntry): number {
    if (ref.kind !== 'group' || entry.id === undefined) return 0;
    return this.groups.get(ref.groupId).readCounts.count(entry.id, entry.seq, this.me);
  }

  /** The link is down and the client is trying again (the first attempt failed, or it was lost). */
  get reconnecting(): boolean {
    return this.connection === 'reconnecting';
  }

  // ---- what the screens do -----------------------------------------------------------------

  open(ref: ConversationRef): void {
    const key = conversationKey(ref);
    this.conversations.ensure(
      ref,
      ref.kind === 'group' ? this.groups.get(ref.groupId).info?.name : undefined,
    );
    this.activeKey = key;
    const tl = this.timeline(ref);
    if (!tl.loaded) void this.loadOlder(ref);
    if (ref.kind === 'group') void this.groupActions.loadMembers(ref.groupId);
    this.markVisibleRead();
    this.changed();
  }

  /** Opens the conversation a route names: a group id (`~…`) or a user id. */
  openId(id: string): boolean {
    if (isGroupId(id)) {
      this.open(groupRef(id));
      return true;
    }
    return this.startChat(id);
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

  /** The next page of the conversation list (scrolling down). */
  async loadMoreConversations(): Promise<void> {
    try {
      await this.pager.more();
      this.addContactsToList();
    } catch (err) {
      this.flash(`Could not load the conversations: ${describeError(err)}`);
    }
    this.changed();
  }

  /** The next older page of history (the first page when the chat opens). */
  async loadOlder(ref: ConversationRef): Promise<void> {
    const tl = this.timeline(ref);
    if (tl.loading || tl.reachedStart) return;
    tl.loading = true;
    this.changed();
    try {
      const entries =
        ref.kind === 'group'
          ? await groupPage(this.client, ref.groupId, tl, PAGE_SIZE)
          : await directPage(this.client, ref.peerId, tl, PAGE_SIZE);
      if (entries.length === 0) tl.reachedStart = true;
      else tl.put(entries, tl.loaded);
      // a group's history begins with its creation (or, for a later member, where it joined)
      if (entries.some((e) => e.event?.type === 'created')) tl.reachedStart = true;
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
    if (!this.maySend(ref)) return false;
    const taken = this.outgoing.sendText(ref, text);
    if (taken) this.stopTyping(ref);
    return taken;
  }

  async sendFile(ref: ConversationRef, file: File): Promise<void> {
    if (this.maySend(ref)) await this.outgoing.sendFile(ref, file);
  }

  recall(ref: ConversationRef, entry: ChatEntry): void {
    const id = entry.id;
    if (id === undefined) return;
    this.client.recall(id, idOf(ref)).then(
      () => this.applyRecall(conversationKey(ref), id),
      (err: unknown) => this.flash(describeError(err)),
    );
  }

  /** The composer's text changed: tell the peer or group we type (debounced), or that we stopped. */
  typing(ref: ConversationRef, text: string): void {
    if (this.connection !== 'connected') return;
    if (ref.kind === 'direct' ? ref.peerId === this.me : this.groups.get(ref.groupId).member === false)
      return;
    if (text === '') this.stopTyping(ref);
    else if (this.typingOut.shouldStart(idOf(ref))) this.signalTyping(idOf(ref), 'start');
  }

  /** Blocks or unblocks a user (from a chat's header). */
  setBlocked(userId: string, blocked: boolean): void {
    this.blocklist.set(this.client, userId, blocked).then(
      () =>
        this.flash(
          blocked
            ? `You blocked ${this.nameOf(userId)}: their messages no longer reach you.`
            : `You unblocked ${this.nameOf(userId)}.`,
        ),
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
      // what changed while the link was down: the list, groups, contacts (the first time: start())
      if (again) void this.loadAll(false);
      void this.refreshPresence();
    }
    if (state === 'closed' && !this.stopped) {
      this.fatal = this.lastError ? describeError(this.lastError) : 'The connection was closed.';
    }
    this.changed();
  }

  private onMessage(m: ReceivedMessage): void {
    if (m.kind === 'room') return;
    const ref = refOf(m.conversationId);
    const key = conversationKey(ref);
    const signal = typingSignalOf(m);
    if (signal) {
      if (m.fromId === this.me) return;
      this.typingIn.signal(key, m.fromId, signal);
      if (ref.kind === 'direct') this.presence.set(m.fromId, true);
      return;
    }
    if (m.transient) return;
    const entry = entryFrom(m);
    this.typingIn.clear(key, m.fromId);
    if (m.fromId !== this.me && ref.kind === 'direct') this.presence.set(m.fromId, true);
    this.timeline(ref).put([entry]);
    const incoming = m.fromId !== this.me && entry.status < 2 && !entry.recalled;
    this.conversations.note(ref, this.previewOf(entry), incoming);
    if (incoming && this.activeKey === key) this.markVisibleRead();
    this.changed();
  }

  private onStatus(s: StatusChange): void {
    if (s.fromId === this.me && s.toId !== this.me) {
      // read on another device of this user: that conversation's unread count goes down
      const key = conversationKey(directRef(s.toId));
      if (s.status === 2) {
        this.timelines.get(key)?.setStatus(s.id, 2);
        if (!this.conversations.readElsewhere(key, s.id)) this.refreshList();
      }
      this.changed();
      return;
    }
    if (s.toId !== this.me) return;
    // the acknowledgement (from the peer or group) or a read receipt (from the peer) of a message of ours
    const key = conversationKey(refOf(s.fromId));
    const updated = this.timelines.get(key)?.setStatus(s.id, s.status, s.ts);
    if (!updated) this.outgoing.noteEarlyStatus(s.id, s.status);
    this.conversations.patchPreview(key, s.id, { status: s.status });
    this.changed();
  }

  private onRecall(r: RecallNotice): void {
    const { conversationId, kind } = conversationOf(this.me, r.fromId, r.toId);
    if (kind === 'room') return;
    this.applyRecall(conversationKey(refOf(conversationId)), r.chatMsg.id);
  }

  private onVisible(): void {
    if (document.visibilityState !== 'visible') return;
    this.markVisibleRead();
    // reads made on other devices meanwhile (group reads are not sent live): the server's counts
    if (this.pager.loaded && Date.now() - this.lastRefresh > LIST_REFRESH_MIN_MS) this.refreshList();
  }

  // ---- the list, groups, contacts ------------------------------------------------------------

  /** The list's first page, the groups, the blocklist and the contacts (at connect, again after a reconnect). */
  private async loadAll(first: boolean): Promise<void> {
    const failed = (what: string) => (err: unknown) => {
      if (first) this.flash(`Could not load ${what}: ${describeError(err)}`);
    };
    this.lastRefresh = Date.now();
    await Promise.all([
      this.pager.refresh().catch(failed('the conversations')),
      this.groupActions.loadMine().catch(failed('the groups')),
      this.blocklist.load(this.client).catch(failed('the blocklist')),
      this.refreshContacts(),
    ]);
    const active = this.activeKey === undefined ? undefined : this.conversations.get(this.activeKey);
    if (!first && active?.ref.kind === 'group') void this.groupActions.loadMembers(active.ref.groupId);
    this.addContactsToList();
    this.markVisibleRead();
    void this.refreshPresence();
    this.changed();
  }

  /** The server's first page again, one request at a time (a later call runs once the current one is in). */
  private refreshList(): void {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.lastRefresh = Date.now();
    this.refreshing = this.pager
      .refresh()
      .catch(() => undefined)
      .finally(() => {
        this.refreshing = undefined;
        if (this.refreshAgain) {
          this.refreshAgain = false;
          this.refreshList();
        }
      });
  }

  private applyPage(page: ConversationPage): void {
    for (const [id, name] of page.names) this.names.set(id, name);
    for (const seed of page.seeds) this.conversations.seed(seed);
    this.markVisibleRead();
    this.changed();
  }

  /** Once the whole list is in: contacts never talked to follow the conversations. */
  private addContactsToList(): void {
    if (!this.pager.complete) return;
    for (const c of this.contacts) this.conversations.ensure(directRef(c.toId), c.toName || c.toId);
  }

  private async refreshContacts(): Promise<void> {
    try {
      this.contacts = await this.client.contacts();
      for (const c of this.contacts) if (c.toName) this.names.set(c.toId, c.toName);
      this.addContactsToList();
      this.changed();
      void this.refreshPresence();
    } catch {
      // offline: the next connect refreshes them
    }
  }

  private async refreshPresence(): Promise<void> {
    if (this.connection !== 'connected') return;
    const ids = new Set(this.contacts.map((c) => c.toId));
    for (const conv of this.conversations.sorted()) if (conv.ref.kind === 'direct') ids.add(conv.ref.peerId);
    ids.delete(this.me);
    await this.presence.refresh(this.client, [...ids]);
  }

  // ---- history, reads, recalls, typing ---------------------------------------------------------

  /**
   * Read receipts for what the open chat shows, when the page is visible. In a 1:1 chat one per
   * message (each of the peer's ticks turns); in a group the read position is one per member, so
   * one receipt per sender, for its newest message (every sender's read count goes up).
   */
  private markVisibleRead(): void {
    const key = this.activeKey;
    if (key === undefined || document.visibilityState !== 'visible') return;
    const conv = this.conversations.get(key);
    const tl = this.timelines.get(key);
    if (!conv || !tl?.loaded) return;
    const ref = conv.ref;
    const reads = ref.kind === 'group' ? this.groups.get(ref.groupId).readCounts : undefined;
    const readSeq = reads?.readSeqOf(this.me) ?? 0;
    const { unread, receipts } = readsDue(tl.list(), this.me, ref.kind === 'group', readSeq);
    for (const e of receipts) {
      const toId = ref.kind === 'group' ? ref.groupId : this.me;
      this.client.markRead({ fromId: e.fromId, toId, chatMsg: { id: e.id as string } });
    }
    for (const e of unread) {
      tl.setStatus(e.id as string, 2);
      if (reads && e.seq !== undefined) reads.raise(this.me, e.seq);
    }
    this.conversations.markAllRead(key, unread.at(-1)?.id);
    if (unread.length > 0) this.changed();
  }

  private applyRecall(key: string, id: string): void {
    this.timelines.get(key)?.recall(id);
    this.conversations.patchPreview(key, id, { recalled: true });
    this.changed();
  }

  /** Whether this user may post to the conversation now (a group it is still in). */
  private maySend(ref: ConversationRef): boolean {
    if (ref.kind !== 'group' || this.groups.get(ref.groupId).member !== false) return true;
    this.flash('You are no longer a member of this group.');
    return false;
  }

  /** The server refused a message for good: say so, and what it means for the conversation. */
  private refused(ref: ConversationRef, err: unknown): void {
    if (!isParleyError(err)) return;
    if (ref.kind === 'group' && err.code === ErrorCode.NotMember) {
      this.groups.setMembership(ref.groupId, false);
    }
    if (LOUD_REFUSALS.has(err.code)) this.flash(describeError(err));
  }

  private stopTyping(ref: ConversationRef): void {
    if (this.typingOut.shouldStop(idOf(ref)) && this.connection === 'connected') {
      this.signalTyping(idOf(ref), 'stop');
    }
  }

  private signalTyping(to: string, signal: 'start' | 'stop'): void {
    // transient: never stored; OFFLINE when nobody is connected, BLOCKED when blocked: both fine
    this.client
      .sendTransient(to, { type: 2, message: typingEnvelope(this.me, signal) })
      .catch(() => undefined);
  }

  private previewOf(e: ChatEntry): ConversationPreview {
    return {
      key: e.key,
      id: e.id,
      fromId: e.fromId,
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
