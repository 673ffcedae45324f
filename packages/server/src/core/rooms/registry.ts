import type { RoomBus, RoomDelivery } from '../../bus/room-bus.js';
import type { Peer } from '../peer.js';

/** A connection as a room sees it: frames go straight to its peer. */
export interface RoomMember {
  readonly peer: Peer;
}

/** A connection's place in one room. */
interface Membership {
  /**
   * Stored messages up to this position of the room were in the recent window its join reply
   * carried: live copies of them are dropped.
   */
  after: number;
  /** Frames that arrived while its join was reading the window; undefined once the reply is out. */
  held: RoomDelivery[] | undefined;
}

/** Frames held for one joining connection at most; past it, best effort: the rest is dropped. */
const MAX_HELD = 1000;

/** A join in progress: the reply is sent once the room is subscribed and its window read. */
export interface RoomJoin {
  /** Resolves once frames published to the room reach this node. */
  readonly subscribed: Promise<void>;
  /** The reply with the window up to `after` is out: send what was held past it, and go live. */
  release(after: number): void;
}

/**
 * This node's chat rooms: the connections in each room, and the rooms of each connection. The bus
 * hears of a room's first connection here (`subscribeRoom`) and of its last one leaving
 * (`unsubscribeRoom`), in order per room. Membership changes are synchronous, so a message that
 * follows a join on the same connection is allowed, one that follows a leave refused.
 */
export class RoomRegistry<S extends RoomMember> {
  private readonly members = new Map<string, Map<S, Membership>>();
  private readonly roomsOf = new Map<S, Set<string>>();
  /** The bus subscription of each room present here; later joins wait for the same one. */
  private readonly subscriptions = new Map<string, Promise<void>>();
  /** The last bus call per room: subscribes and unsubscribes of one room reach the bus in order. */
  private readonly tails = new Map<string, Promise<void>>();
  /** The last room reply per connection: replies go out in the order of the requests. */
  private readonly turns = new Map<S, Promise<void>>();

  constructor(
    private readonly bus: RoomBus,
    private readonly onError: (err: unknown, roomId: string) => void,
  ) {}

  /**
   * Puts the connection in the room (again: a repeated join reads the window again); undefined
   * when that would make it more than `maxRooms` rooms. Frames for it are held until `release`.
   */
  join(s: S, roomId: string, maxRooms: number): RoomJoin | undefined {
    let rooms = this.roomsOf.get(s);
    if (!rooms?.has(roomId) && (rooms?.size ?? 0) >= maxRooms) return undefined;
    if (!rooms) {
      rooms = new Set();
      this.roomsOf.set(s, rooms);
    }
    rooms.add(roomId);
    let members = this.members.get(roomId);
    if (!members) {
      members = new Map();
      this.members.set(roomId, members);
    }
    const m: Membership = { after: 0, held: members.get(s)?.held ?? [] };
    members.set(s, m);
    return { subscribed: this.subscribe(roomId), release: (after) => this.release(roomId, s, m, after) };
  }

  private subscribe(roomId: string): Promise<void> {
    let subscribed = this.subscriptions.get(roomId);
    if (!subscribed) {
      subscribed = this.inOrder(roomId, () => this.bus.subscribeRoom(roomId));
      this.subscriptions.set(roomId, subscribed);
      const p = subscribed;
      // a failed subscription is tried again by the next join
      p.catch(() => {
        if (this.subscriptions.get(roomId) === p) this.subscriptions.delete(roomId);
      });
    }
    return subscribed;
  }

  private release(roomId: string, s: S, m: Membership, after: number): void {
    if (this.members.get(roomId)?.get(s) !== m) return; // left, or joined again meanwhile
    const held = m.held;
    m.after = after;
    m.held = undefined;
    if (held) for (const d of held) if (d.seq === undefined || d.seq > after) s.peer.send(d.frame);
  }

  /** Takes the connection out of the room; harmless when it is not in it. */
  leave(s: S, roomId: string): void {
    const members = this.members.get(roomId);
    if (!members?.delete(s)) return;
    const rooms = this.roomsOf.get(s);
    rooms?.delete(roomId);
    if (rooms?.size === 0) this.roomsOf.delete(s);
    if (members.size > 0) return;
    this.members.delete(roomId);
    this.subscriptions.delete(roomId);
    this.inOrder(roomId, () => this.bus.unsubscribeRoom(roomId)).catch((err: unknown) =>
      this.onError(err, roomId),
    );
  }

  /** The connection is gone: it leaves every room it was in. */
  leaveAll(s: S): void {
    const rooms = this.roomsOf.get(s);
    if (rooms) for (const roomId of [...rooms]) this.leave(s, roomId);
  }

  has(s: S, roomId: string): boolean {
    return this.members.get(roomId)?.has(s) ?? false;
  }

  /** Rooms the connection is in. */
  roomCount(s: S): number {
    return this.roomsOf.get(s)?.size ?? 0;
  }

  /** Connections in the room on this node. */
  memberCount(roomId: string): number {
    return this.members.get(roomId)?.size ?? 0;
  }

  /** Routes a frame to the room's connections on every node but `skip` (the sender's connection). */
  publish(d: RoomDelivery, skip?: S): void {
    this.bus.publishRoom(d, skip);
  }

  /**
   * A frame for the room's connections here (from the bus), serialized once: the same string goes
   * to every socket, in one pass over the room.
   */
  deliver(d: RoomDelivery, skip: object | undefined): void {
    const members = this.members.get(d.roomId);
    if (!members) return;
    const { seq, frame } = d;
    members.forEach((m, s) => {
      if (s === skip) return;
      if (m.held) {
        if (m.held.length < MAX_HELD) m.held.push(d);
      } else if (seq === undefined || seq > m.after) s.peer.send(frame);
    });
  }

  /** Runs `reply` after the connection's previous room replies; the returned promise is its own. */
  inTurn(s: S, reply: () => Promise<void>): Promise<void> {
    const next = (this.turns.get(s) ?? Promise.resolve()).then(reply);
    const settled = next.catch(() => {});
    this.turns.set(s, settled);
    void settled.then(() => {
      if (this.turns.get(s) === settled) this.turns.delete(s);
    });
    return next;
  }

  /**
   * Runs a bus call after the previous one of the same room has settled; at once when there is
   * none, so that the bus knows of the room before a frame pipelined behind the join is published.
   */
  private inOrder(roomId: string, call: () => Promise<void>): Promise<void> {
    const prev = this.tails.get(roomId);
    const next = prev ? prev.then(call, call) : call();
    this.tails.set(roomId, next);
    const forget = () => {
      if (this.tails.get(roomId) === next) this.tails.delete(roomId);
    };
    next.then(forget, forget);
    return next;
  }
}
