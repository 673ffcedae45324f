import { type ChatEntry, compareEntries, type DeliveryStatus, mergeEntries } from './chat-entry.js';

/**
 * The messages of one conversation that this page knows: pages of history, live messages and
 * messages being sent, each once (by id), in display order.
 */
export class Timeline {
  private entries: ChatEntry[] = [];
  private readonly byKey = new Map<string, ChatEntry>();
  /** Local keys of entries that got their id later: the id finds them. */
  private readonly keyOfId = new Map<string, string>();
  /** Set once the first page of history is in. */
  loaded = false;
  loading = false;
  /** History answered an empty page: there is nothing older. */
  reachedStart = false;
  /** Grows each time older messages were put in front (the view keeps its scroll position). */
  prepends = 0;

  list(): readonly ChatEntry[] {
    return this.entries;
  }

  get(idOrKey: string): ChatEntry | undefined {
    return this.byKey.get(this.keyOfId.get(idOrKey) ?? idOrKey);
  }

  /** The oldest stored message: where the next page of 1:1 history starts. */
  oldestId(): string | undefined {
    return this.entries.find((e) => e.id !== undefined && e.ts !== undefined)?.id;
  }

  /** The lowest group position shown: where the next page of a group's history starts. */
  oldestSeq(): number | undefined {
    let oldest: number | undefined;
    for (const e of this.entries)
      if (e.seq !== undefined && (oldest === undefined || e.seq < oldest)) oldest = e.seq;
    return oldest;
  }

  /** Adds or merges entries (history pages, live messages, events); returns those that were new. */
  put(entries: readonly ChatEntry[], older = false): ChatEntry[] {
    const added: ChatEntry[] = [];
    for (const entry of entries) {
      // messages are the same by id, events by their key (their group position)
      const existing = entry.id === undefined ? this.byKey.get(entry.key) : this.get(entry.id);
      if (existing) this.replace(mergeEntries(existing, entry));
      else {
        this.byKey.set(entry.key, entry);
        added.push(entry);
      }
    }
    if (added.length > 0 && older) this.prepends++;
    this.entries = [...this.byKey.values()].sort(compareEntries);
    return added;
  }

  /** The outbox gave a local entry its message id. */
  assignId(key: string, id: string): void {
    const entry = this.byKey.get(key);
    if (!entry || entry.id !== undefined) return;
    const other = this.get(id);
    if (other && other !== entry) {
      // the message came back (history) before its id was known here: keep one
      this.byKey.delete(key);
      this.replace(mergeEntries(other, entry));
      this.keyOfId.set(id, other.key);
      return;
    }
    this.keyOfId.set(id, key);
    this.replace({ ...entry, id });
  }

  update(idOrKey: string, change: (e: ChatEntry) => ChatEntry): ChatEntry | undefined {
    const entry = this.get(idOrKey);
    if (!entry) return undefined;
    const next = change(entry);
    this.replace(next);
    return next;
  }

  setStatus(id: string, status: DeliveryStatus, ts?: number): ChatEntry | undefined {
    return this.update(id, (e) => ({
      ...e,
      status: Math.max(e.status, status) as DeliveryStatus,
      ts: e.ts ?? ts,
      ...(e.failed !== undefined && { failed: undefined }),
    }));
  }

  recall(id: string): ChatEntry | undefined {
    return this.update(id, (e) => ({ ...e, recalled: true, message: '' }));
  }

  private replace(entry: ChatEntry): void {
    this.byKey.set(entry.key, entry);
    this.entries = [...this.byKey.values()].sort(compareEntries);
  }
}
