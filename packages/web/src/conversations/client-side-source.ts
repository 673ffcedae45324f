import type { Contact, HistoryEntry, ParleyClient } from '@parley/client';
import { firstPage } from '../session/history-pages.js';
import { type ConversationRef, directRef, peerOf } from './conversation.js';

/** What the list starts with: one conversation, its title and the messages known for it. */
export interface ConversationSeed {
  ref: ConversationRef;
  title: string;
  /** Newest messages of the conversation, oldest first (may be empty). */
  recent: HistoryEntry[];
}

/** Where the conversation list comes from. */
export interface ConversationSource {
  load(): Promise<ConversationSeed[]>;
}

const RECENT_PAGE = 100;

/**
 * The list built on the client, until the server has a conversation-list request: every contact
 * (action 11) and every peer of the newest page of history over all conversations (action 12
 * without `toId`), with the messages of that page. Live messages keep it current afterwards (the
 * session). Swap this for a source that asks the server, and nothing else changes.
 */
export class ClientSideConversationSource implements ConversationSource {
  constructor(private readonly client: ParleyClient) {}

  async load(): Promise<ConversationSeed[]> {
    const me = this.client.userId;
    const [contacts, recent] = await Promise.all([this.client.contacts(), this.newestPage()]);
    const seeds = new Map<string, ConversationSeed>();
    const add = (peer: string, title?: string): ConversationSeed => {
      let seed = seeds.get(peer);
      if (!seed) {
        seed = { ref: directRef(peer), title: title ?? peer, recent: [] };
        seeds.set(peer, seed);
      }
      return seed;
    };
    for (const c of contacts) add(c.toId, titleOf(c));
    for (const entry of recent) add(peerOf(me, entry)).recent.push(entry);
    return [...seeds.values()];
  }

  private newestPage(): Promise<HistoryEntry[]> {
    return firstPage(this.client.history({ pageSize: RECENT_PAGE }));
  }
}

function titleOf(c: Contact): string {
  return c.toName && c.toName !== '' ? c.toName : c.toId;
}
