import type { Outbox, OutboxEntry } from '@parley/client';

export interface OutboxHooks {
  /** A message took its id and waits for the server's acknowledgement. */
  put(entry: OutboxEntry): void;
  /** It left the outbox: acknowledged, or refused for good. */
  deleted(id: string): void;
}

/**
 * The SDK's outbox kept in localStorage (per user), so that messages typed while offline also
 * survive a reload of the page: the SDK sends them again with their ids at the next connect, and
 * the server stores each id once. It also tells the page when a message got its id.
 */
export class WebOutbox implements Outbox {
  private readonly key: string;
  private memory: OutboxEntry[] = [];

  constructor(
    userId: string,
    private readonly hooks: OutboxHooks,
  ) {
    this.key = `parley:outbox:${userId}`;
  }

  async put(entry: OutboxEntry): Promise<void> {
    this.write([...this.read().filter((e) => e.id !== entry.id), entry]);
    this.hooks.put(entry);
  }

  async delete(id: string): Promise<void> {
    this.write(this.read().filter((e) => e.id !== id));
    this.hooks.deleted(id);
  }

  async list(): Promise<OutboxEntry[]> {
    return this.read();
  }

  private read(): OutboxEntry[] {
    try {
      const text = localStorage.getItem(this.key);
      const list: unknown = text === null ? [] : JSON.parse(text);
      return Array.isArray(list) ? (list as OutboxEntry[]) : [];
    } catch {
      return this.memory; // storage disabled: this page's memory
    }
  }

  private write(entries: OutboxEntry[]): void {
    this.memory = entries;
    try {
      if (entries.length === 0) localStorage.removeItem(this.key);
      else localStorage.setItem(this.key, JSON.stringify(entries));
    } catch {
      // quota or disabled storage: the memory copy still serves this page
    }
  }
}
