import type { Conversation, HistoryEntry, ParleyClient } from '@parley/client';
import { directRef, groupRef } from './conversation.js';
import type { ConversationSeed } from './conversation-list.js';

/** One page of the list, newest activity first; `next` leads to the following page (none at the end). */
export interface ConversationPage {
  seeds: ConversationSeed[];
  /** The names the server gave the peers of 1:1 conversations. */
  names: Map<string, string>;
  next: string | undefined;
}

/** Where the conversation list comes from. */
export interface ConversationSource {
  page(before: string | undefined): Promise<ConversationPage>;
}

/**
 * The server's conversation list (action 17 through the SDK's `conversations()`): 1:1 and group
 * conversations with their last message, the unread count and the peer's or group's name.
 */
export class ServerConversationSource implements ConversationSource {
  constructor(
    private readonly client: ParleyClient,
    private readonly previewOf: (last: HistoryEntry) => ConversationSeed['preview'],
    private readonly pageSize: number,
  ) {}

  async page(before: string | undefined): Promise<ConversationPage> {
    const page = await this.client.conversations({ pageSize: this.pageSize, ...(before && { before }) });
    const names = new Map<string, string>();
    const seeds = page.conversations.flatMap((c) => {
      const seed = this.seedOf(c);
      if (seed && c.kind === 'user' && c.name) names.set(c.id, c.name);
      return seed ? [seed] : [];
    });
    return { seeds, names, next: page.next };
  }

  private seedOf(c: Conversation): ConversationSeed | undefined {
    if (typeof c.id !== 'string' || (c.kind !== 'user' && c.kind !== 'group')) return undefined;
    return {
      ref: c.kind === 'group' ? groupRef(c.id) : directRef(c.id),
      title: c.name || c.id,
      preview: c.last ? this.previewOf(c.last) : undefined,
      lastTs: typeof c.ts === 'number' ? c.ts : 0,
      unread: typeof c.unread === 'number' ? c.unread : 0,
    };
  }
}
