/** Each conversation's timeline: made on first use, filled page by page from history, read when shown. */
import type { ParleyClient } from '@parley/client';
import { Timeline } from '../chat/timeline.js';
import { type ConversationRef, conversationKey } from '../conversations/conversation.js';
import type { ConversationList } from '../conversations/conversation-list.js';
import type { GroupDirectory } from '../groups/group-directory.js';
import { describeError } from './describe-error.js';
import { directPage, groupPage } from './history-pages.js';
import { readsDue } from './reads-due.js';

const PAGE_SIZE = 30;

/** What timelines need from the session. */
export interface TimelineHost {
  readonly me: string;
  readonly conversations: ConversationList;
  readonly groups: GroupDirectory;
  client(): ParleyClient;
  /** The open conversation's key. */
  activeKey(): string | undefined;
  flash(text: string): void;
  changed(): void;
}

/**
 * The timelines of the conversations this page has shown or received messages of, by key: the
 * older history of each on demand, and read receipts for what the open one shows.
 */
export class ChatTimelines {
  private readonly timelines = new Map<string, Timeline>();

  constructor(private readonly host: TimelineHost) {}

  /** The timeline of a conversation, made empty the first time. */
  get(ref: ConversationRef): Timeline {
    const key = conversationKey(ref);
    let tl = this.timelines.get(key);
    if (!tl) {
      tl = new Timeline();
      this.timelines.set(key, tl);
    }
    return tl;
  }

  /** The timeline of the conversation with `key`, if there is one yet. */
  existing(key: string): Timeline | undefined {
    return this.timelines.get(key);
  }

  /** The next older page of history (the first page when the chat opens). */
  async loadOlder(ref: ConversationRef): Promise<void> {
    const tl = this.get(ref);
    if (tl.loading || tl.reachedStart) return;
    tl.loading = true;
    this.host.changed();
    try {
      const client = this.host.client();
      const entries =
        ref.kind === 'group'
          ? await groupPage(client, ref.groupId, tl, PAGE_SIZE)
          : await directPage(client, ref.peerId, tl, PAGE_SIZE);
      if (entries.length === 0) tl.reachedStart = true;
      else tl.put(entries, tl.loaded);
      // a group's history begins with its creation (or, for a later member, where it joined)
      if (entries.some((e) => e.event?.type === 'created')) tl.reachedStart = true;
      tl.loaded = true;
    } catch (err) {
      this.host.flash(`Could not load messages: ${describeError(err)}`);
    } finally {
      tl.loading = false;
      this.markVisibleRead();
      this.host.changed();
    }
  }

  /**
   * Read receipts for what the open chat shows, when the page is visible. In a 1:1 chat one per
   * message (each of the peer's ticks turns); in a group the read position is one per member, so
   * one receipt per sender, for its newest message (every sender's read count goes up).
   */
  markVisibleRead(): void {
    const { me, conversations, groups } = this.host;
    const key = this.host.activeKey();
    if (key === undefined || document.visibilityState !== 'visible') return;
    const conv = conversations.get(key);
    const tl = this.timelines.get(key);
    if (!conv || !tl?.loaded) return;
    const ref = conv.ref;
    const reads = ref.kind === 'group' ? groups.get(ref.groupId).readCounts : undefined;
    const readSeq = reads?.readSeqOf(me) ?? 0;
    const { unread, receipts } = readsDue(tl.list(), me, ref.kind === 'group', readSeq);
    for (const e of receipts) {
      const toId = ref.kind === 'group' ? ref.groupId : me;
      this.host.client().markRead({ fromId: e.fromId, toId, chatMsg: { id: e.id as string } });
    }
    for (const e of unread) {
      tl.setStatus(e.id as string, 2);
      if (reads && e.seq !== undefined) reads.raise(me, e.seq);
    }
    conversations.markAllRead(key, unread.at(-1)?.id);
    if (unread.length > 0) this.host.changed();
  }
}
