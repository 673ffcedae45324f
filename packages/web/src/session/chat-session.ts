import {
  type ConnectionState,
  type Contact,
  isGroupId,
  type ParleyClient,
  type ParleyError,
} from '@parley/client';
import { Observable } from '../app/observable.js';
import type { Credentials } from '../auth/credentials.js';
import { USER_ID } from '../auth/credentials.js';
import type { ChatEntry } from '../chat/chat-entry.js';
import type { Timeline } from '../chat/timeline.js';
import { TypingIn } from '../chat/typing.js';
import type { WebClientConfig } from '../config/load-config.js';
import { Blocklist } from '../contacts/blocklist.js';
import { FriendRequests } from '../contacts/friend-requests.js';
import {
  type ConversationRef,
  conversationKey,
  directRef,
  groupRef,
  idOf,
} from '../conversations/conversation.js';
import { ConversationList } from '../conversations/conversation-list.js';
import type { ListPager } from '../conversations/list-pager.js';
import { GroupDirectory } from '../groups/group-directory.js';
import { PresenceTracker } from '../presence/presence-tracker.js';
import { ChatTimelines, type TimelineHost } from './chat-timelines.js';
import { previewOf } from './conversation-preview.js';
import { describeError } from './describe-error.js';
import { FriendActions, type FriendHost } from './friend-actions.js';
import { GroupActions, type GroupHost } from './group-actions.js';
import { type IncomingHost, IncomingMessages } from './incoming.js';
import { type ListHost, ListSync } from './list-sync.js';
import { type OutgoingHost, OutgoingMessages } from './outgoing.js';
import { type PostingHost, PostingRules } from './posting-rules.js';
import { type TypingHost, TypingSignals } from './typing-signals.js';
import { createWebClient } from './web-client.js';

const PRESENCE_EVERY_MS = 30_000;
const NOTICE_MS = 6_000;

/** What the session's parts need from it: one object for all of them. */
type SessionHost = OutgoingHost &
  GroupHost &
  FriendHost &
  ListHost &
  IncomingHost &
  TypingHost &
  TimelineHost &
  PostingHost;

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
  private readonly incoming: IncomingMessages;
  private readonly timelines: ChatTimelines;
  private readonly lists: ListSync;
  private readonly typingSignals: TypingSignals;
  private readonly posting: PostingRules;
  /** Display names of users: contacts, the list's peers, group members. */
  private readonly names = new Map<string, string>();
  private readonly cleanups: (() => void)[] = [];
  private lastError: ParleyError | undefined;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    readonly config: WebClientConfig,
    credentials: Credentials,
  ) {
    super();
    this.me = credentials.userId;
    this.friends = new FriendRequests(this.me);
    const notify = () => this.changed();
    const host: SessionHost = {
      me: this.me,
      config,
      conversations: this.conversations,
      groups: this.groups,
      blocklist: this.blocklist,
      presence: this.presence,
      typingIn: this.typingIn,
      friends: this.friends,
      client: () => this.client,
      connection: () => this.connection,
      activeKey: () => this.activeKey,
      contacts: () => this.contacts,
      setContacts: (contacts) => {
        this.contacts = contacts;
      },
      setName: (userId, name) => this.names.set(userId, name),
      timeline: (ref) => this.timeline(ref),
      existingTimeline: (key) => this.timelines.existing(key),
      previewOf: (e) => previewOf(e, this.me),
      markVisibleRead: () => this.timelines.markVisibleRead(),
      noteEarlyStatus: (id, status) => this.outgoing.noteEarlyStatus(id, status),
      refused: (ref, err) => this.posting.refused(ref, err),
      refreshList: () => this.lists.refreshList(),
      refreshContacts: () => void this.lists.refreshContacts(),
      flash: (text) => this.flash(text),
      changed: notify,
    };
    this.timelines = new ChatTimelines(host);
    this.outgoing = new OutgoingMessages(host);
    this.incoming = new IncomingMessages(host);
    this.typingSignals = new TypingSignals(host);
    this.posting = new PostingRules(host);
    this.client = createWebClient(credentials, {
      put: (entry) => this.outgoing.onOutboxPut(entry),
      deleted: (id) => this.outgoing.onOutboxDeleted(id),
    });
    this.groupActions = new GroupActions(host);
    this.friendActions = new FriendActions(host);
    this.lists = new ListSync(host, this.groupActions);
    this.pager = this.lists.pager;
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
      c.on('message', (m) => this.incoming.onMessage(m)),
      c.on('status', (s) => this.incoming.onStatus(s)),
      c.on('recall', (r) => this.incoming.onRecall(r)),
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
    const presenceTimer = setInterval(() => this.lists.refreshPresence(), PRESENCE_EVERY_MS);
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
    await this.lists.loadAll(true);
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
    return this.timelines.get(ref);
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
    this.timelines.markVisibleRead();
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
  loadMoreConversations(): Promise<void> {
    return this.lists.loadMore();
  }

  /** The next older page of history (the first page when the chat opens). */
  loadOlder(ref: ConversationRef): Promise<void> {
    return this.timelines.loadOlder(ref);
  }

  sendText(ref: ConversationRef, text: string): boolean {
    if (!this.posting.maySend(ref)) return false;
    const taken = this.outgoing.sendText(ref, text);
    if (taken) this.typingSignals.stopTyping(ref);
    return taken;
  }

  async sendFile(ref: ConversationRef, file: File): Promise<void> {
    if (this.posting.maySend(ref)) await this.outgoing.sendFile(ref, file);
  }

  recall(ref: ConversationRef, entry: ChatEntry): void {
    const id = entry.id;
    if (id === undefined) return;
    this.client.recall(id, idOf(ref)).then(
      () => this.incoming.applyRecall(conversationKey(ref), id),
      (err: unknown) => this.flash(describeError(err)),
    );
  }

  /** The composer's text changed: tell the peer or group we type (debounced), or that we stopped. */
  typing(ref: ConversationRef, text: string): void {
    this.typingSignals.typing(ref, text);
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

  // ---- the connection and the page ---------------------------------------------------------

  private onState(state: ConnectionState): void {
    this.connection = state;
    if (state === 'connected') {
      const again = this.everConnected;
      this.everConnected = true;
      // what changed while the link was down: the list, groups, contacts (the first time: start())
      if (again) void this.lists.loadAll(false);
      void this.lists.refreshPresence();
    }
    if (state === 'closed' && !this.stopped) {
      this.fatal = this.lastError ? describeError(this.lastError) : 'The connection was closed.';
    }
    this.changed();
  }

  private onVisible(): void {
    if (document.visibilityState !== 'visible') return;
    this.timelines.markVisibleRead();
    this.lists.refreshIfStale();
  }

  // ---- notices ----------------------------------------------------------

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
