/** The conversation list, groups, blocklist, contacts and presence, loaded and kept current. */
import type { ConnectionState, Contact, ParleyClient } from '@parley/client';
import { type ChatEntry, entryFrom } from '../chat/chat-entry.js';
import type { Blocklist } from '../contacts/blocklist.js';
import { type ConversationPreview, directRef } from '../conversations/conversation.js';
import type { ConversationList } from '../conversations/conversation-list.js';
import { ListPager } from '../conversations/list-pager.js';
import { type ConversationPage, ServerConversationSource } from '../conversations/server-source.js';
import type { PresenceTracker } from '../presence/presence-tracker.js';
import { describeError } from './describe-error.js';
import type { GroupActions } from './group-actions.js';

const LIST_PAGE_SIZE = 30;
/** Coming back to the page asks the server's list again at most this often (reads elsewhere). */
const LIST_REFRESH_MIN_MS = 5_000;

/** What loading the lists needs from the session. */
export interface ListHost {
  readonly me: string;
  readonly conversations: ConversationList;
  readonly blocklist: Blocklist;
  readonly presence: PresenceTracker;
  client(): ParleyClient;
  connection(): ConnectionState;
  /** The open conversation's key. */
  activeKey(): string | undefined;
  contacts(): readonly Contact[];
  setContacts(contacts: Contact[]): void;
  setName(userId: string, name: string): void;
  previewOf(e: ChatEntry): ConversationPreview;
  markVisibleRead(): void;
  flash(text: string): void;
  changed(): void;
}

/**
 * The lists the screens show beside the chats: the conversation list's first page (again after a
 * reconnect, and when the page comes back), the groups, the blocklist, the contacts (listed once
 * the whole conversation list is in) and who of them is online.
 */
export class ListSync {
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private lastRefresh = 0;
  /** The server's conversation list, page by page. */
  readonly pager: ListPager;

  constructor(
    private readonly host: ListHost,
    private readonly groupActions: GroupActions,
  ) {
    const source = new ServerConversationSource(
      host.client(),
      (last) => host.previewOf(entryFrom(last)),
      LIST_PAGE_SIZE,
    );
    this.pager = new ListPager(source, (page) => this.applyPage(page));
  }

  /** The list's first page, the groups, the blocklist and the contacts (at connect, again after a reconnect). */
  async loadAll(first: boolean): Promise<void> {
    const failed = (what: string) => (err: unknown) => {
      if (first) this.host.flash(`Could not load ${what}: ${describeError(err)}`);
    };
    this.lastRefresh = Date.now();
    await Promise.all([
      this.pager.refresh().catch(failed('the conversations')),
      this.groupActions.loadMine().catch(failed('the groups')),
      this.host.blocklist.load(this.host.client()).catch(failed('the blocklist')),
      this.refreshContacts(),
    ]);
    const activeKey = this.host.activeKey();
    const active = activeKey === undefined ? undefined : this.host.conversations.get(activeKey);
    if (!first && active?.ref.kind === 'group') void this.groupActions.loadMembers(active.ref.groupId);
    this.addContactsToList();
    this.host.markVisibleRead();
    void this.refreshPresence();
    this.host.changed();
  }

  /** The server's first page again, one request at a time (a later call runs once the current one is in). */
  refreshList(): void {
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

  /** The page is visible again: the server's list, unless it was asked for a moment ago. */
  refreshIfStale(): void {
    // reads made on other devices meanwhile (group reads are not sent live): the server's counts
    if (this.pager.loaded && Date.now() - this.lastRefresh > LIST_REFRESH_MIN_MS) this.refreshList();
  }

  /** The next page of the conversation list (scrolling down). */
  async loadMore(): Promise<void> {
    try {
      await this.pager.more();
      this.addContactsToList();
    } catch (err) {
      this.host.flash(`Could not load the conversations: ${describeError(err)}`);
    }
    this.host.changed();
  }

  private applyPage(page: ConversationPage): void {
    for (const [id, name] of page.names) this.host.setName(id, name);
    for (const seed of page.seeds) this.host.conversations.seed(seed);
    this.host.markVisibleRead();
    this.host.changed();
  }

  /** Once the whole list is in: contacts never talked to follow the conversations. */
  private addContactsToList(): void {
    if (!this.pager.complete) return;
    for (const c of this.host.contacts()) {
      this.host.conversations.ensure(directRef(c.toId), c.toName || c.toId);
    }
  }

  async refreshContacts(): Promise<void> {
    try {
      const contacts = await this.host.client().contacts();
      this.host.setContacts(contacts);
      for (const c of contacts) if (c.toName) this.host.setName(c.toId, c.toName);
      this.addContactsToList();
      this.host.changed();
      void this.refreshPresence();
    } catch {
      // offline: the next connect refreshes them
    }
  }

  async refreshPresence(): Promise<void> {
    if (this.host.connection() !== 'connected') return;
    const ids = new Set(this.host.contacts().map((c) => c.toId));
    for (const conv of this.host.conversations.sorted())
      if (conv.ref.kind === 'direct') ids.add(conv.ref.peerId);
    ids.delete(this.host.me);
    await this.host.presence.refresh(this.host.client(), [...ids]);
  }
}
