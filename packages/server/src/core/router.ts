import type { Bus, Delivery } from '../bus/bus.js';

export interface Deliverable {
  readonly userId: string | undefined;
  deliver(d: Delivery): void;
}

/**
 * Told when a user comes online on the cluster (its first connection anywhere) or goes offline (its
 * last one closed). Best effort: the bus is asked whether the user is online elsewhere just before
 * this node joins it and just after it leaves, so two nodes changing at the same moment may both
 * tell, or neither; a node that dies tells nothing.
 */
export interface PresenceObserver {
  online(userId: string): void;
  offline(userId: string): void;
}

/**
 * The connections open on this node, by user: the one registry of local presence. The bus hears of
 * a user's first connection here (`join`) and of its last one going (`leave`).
 */
export class Router<S extends Deliverable = Deliverable> {
  /** A user's one connection here, or a set of them (most users have one: no Set for them). */
  private readonly byUser = new Map<string, S | Set<S>>();
  /** The bus join of each user present here; later connections wait for the same one. */
  private readonly joins = new Map<string, Promise<void>>();
  /** The last bus call per user: joins and leaves of one user reach the bus in order. */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly bus: Bus,
    private readonly observer?: PresenceObserver,
  ) {}

  /**
   * Adds a connection; resolves once frames published to its user reach this node, so that a
   * backlog read after this misses nothing routed live.
   */
  attach(userId: string, session: S): Promise<void> {
    const here = this.byUser.get(userId);
    if (here === undefined) this.byUser.set(userId, session);
    else if (here instanceof Set) here.add(session);
    else if (here !== session) this.byUser.set(userId, new Set([here, session]));
    let joined = this.joins.get(userId);
    if (!joined) {
      joined = this.inOrder(userId, () =>
        this.observer ? this.joinObserved(userId) : this.bus.join(userId),
      );
      this.joins.set(userId, joined);
    }
    return joined;
  }

  /** Removes a connection; the last one of its user leaves the bus. */
  detach(userId: string, session: S): Promise<void> {
    const here = this.byUser.get(userId);
    if (here instanceof Set) {
      if (!here.delete(session)) return Promise.resolve();
      if (here.size > 1) return Promise.resolve();
      const [other] = here;
      this.byUser.set(userId, other!);
      return Promise.resolve();
    }
    if (here !== session) return Promise.resolve();
    this.byUser.delete(userId);
    this.joins.delete(userId);
    return this.inOrder(userId, () => (this.observer ? this.leaveObserved(userId) : this.bus.leave(userId)));
  }

  private async joinObserved(userId: string): Promise<void> {
    const elsewhere = await this.bus.isOnline(userId).catch(() => true);
    await this.bus.join(userId);
    if (!elsewhere) this.observer?.online(userId);
  }

  private async leaveObserved(userId: string): Promise<void> {
    await this.bus.leave(userId);
    if (!(await this.bus.isOnline(userId).catch(() => true))) this.observer?.offline(userId);
  }

  /** Runs a bus call after the previous one of the same user has settled. */
  private inOrder(userId: string, call: () => Promise<void>): Promise<void> {
    const prev = this.tails.get(userId) ?? Promise.resolve();
    const next = prev.then(call, call);
    this.tails.set(userId, next);
    const forget = () => {
      if (this.tails.get(userId) === next) this.tails.delete(userId);
    };
    next.then(forget, forget);
    return next;
  }

  deliver(d: Delivery): void {
    const here = this.byUser.get(d.userId);
    if (here instanceof Set) for (const s of here) s.deliver(d);
    else here?.deliver(d);
  }

  sessionsOf(userId: string): ReadonlySet<S> {
    const here = this.byUser.get(userId);
    return here instanceof Set ? here : new Set(here === undefined ? [] : [here]);
  }

  /** Every connection bound to a user on this node. */
  *all(): IterableIterator<S> {
    for (const here of this.byUser.values()) {
      if (here instanceof Set) yield* here;
      else yield here;
    }
  }
}
