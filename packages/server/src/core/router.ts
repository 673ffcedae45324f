import type { Delivery } from '../bus/bus.js';

export interface Deliverable {
  readonly userId: string | undefined;
  deliver(d: Delivery): void;
}

/** The connections open on this node, by user. */
export class Router<S extends Deliverable = Deliverable> {
  private readonly byUser = new Map<string, Set<S>>();

  add(userId: string, session: S): void {
    let set = this.byUser.get(userId);
    if (!set) {
      set = new Set();
      this.byUser.set(userId, set);
    }
    set.add(session);
  }

  remove(userId: string, session: S): void {
    const set = this.byUser.get(userId);
    if (!set) return;
    set.delete(session);
    if (set.size === 0) this.byUser.delete(userId);
  }

  deliver(d: Delivery): void {
    const set = this.byUser.get(d.userId);
    if (set) for (const s of set) s.deliver(d);
  }

  sessionsOf(userId: string): ReadonlySet<S> {
    return this.byUser.get(userId) ?? new Set();
  }
}
