import { Observable } from '../app/observable.js';

export interface FriendRequestItem {
  userId: string;
  message: string;
  ts: number | undefined;
}

interface Saved {
  incoming: FriendRequestItem[];
  outgoing: FriendRequestItem[];
}

/**
 * Friend requests waiting for an answer, both ways. The server delivers a request once (a
 * notice) and has no request to list them, so the page keeps them in localStorage per user.
 */
export class FriendRequests extends Observable {
  private readonly key: string;
  private incoming = new Map<string, FriendRequestItem>();
  private outgoing = new Map<string, FriendRequestItem>();

  constructor(userId: string) {
    super();
    this.key = `parley:friend-requests:${userId}`;
    const saved = this.load();
    for (const r of saved.incoming) this.incoming.set(r.userId, r);
    for (const r of saved.outgoing) this.outgoing.set(r.userId, r);
  }

  listIncoming(): FriendRequestItem[] {
    return [...this.incoming.values()];
  }

  listOutgoing(): FriendRequestItem[] {
    return [...this.outgoing.values()];
  }

  addIncoming(item: FriendRequestItem): void {
    this.incoming.set(item.userId, item);
    this.save();
  }

  addOutgoing(item: FriendRequestItem): void {
    this.outgoing.set(item.userId, item);
    this.save();
  }

  /** An answer (or a removal) settles the requests with `userId` both ways. */
  settle(userId: string): void {
    const wasIncoming = this.incoming.delete(userId);
    const wasOutgoing = this.outgoing.delete(userId);
    if (wasIncoming || wasOutgoing) this.save();
  }

  private save(): void {
    this.changed();
    try {
      const saved: Saved = { incoming: this.listIncoming(), outgoing: this.listOutgoing() };
      localStorage.setItem(this.key, JSON.stringify(saved));
    } catch {
      // storage disabled: the requests last as long as the page
    }
  }

  private load(): Saved {
    try {
      const saved = JSON.parse(localStorage.getItem(this.key) ?? 'null') as Saved | null;
      if (saved && Array.isArray(saved.incoming) && Array.isArray(saved.outgoing)) return saved;
    } catch {
      // unreadable: start empty
    }
    return { incoming: [], outgoing: [] };
  }
}
