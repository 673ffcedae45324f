import type { RoomBus, RoomBusHandlers } from './room-bus.js';

/**
 * Fan-out and presence behind the chat core: routes a frame to the nodes where its user has a
 * connection. In-process by default (LocalBus); RedisBus spans several nodes. Delivery through the
 * bus is best effort: what must not be lost is in the Store first, and a session that sees (or is
 * told of) a gap refills from the store.
 *
 * Who is connected to THIS node is the Router's to know; the bus only learns the transitions: the
 * first connection of a user on this node (`join`) and the last one going (`leave`).
 */
export interface Bus extends RoomBus {
  /** Starts routing: `deliver` gets each frame published to a user joined on this node. */
  start(handlers: BusHandlers): Promise<void>;
  /** Routes a frame to every node where the user is joined. Never throws; may drop (see `gap`). */
  publish(d: Delivery): void;
  /**
   * This node has a connection of `userId` now. Resolves once frames published from then on reach
   * this node, and the user counts as online on every node.
   */
  join(userId: string): Promise<void>;
  /** This node has no connection of `userId` any more. */
  leave(userId: string): Promise<void>;
  /** Whether the user is joined on any live node. */
  isOnline(userId: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface BusHandlers extends RoomBusHandlers {
  deliver(d: Delivery): void;
  /**
   * Frames published to this node may have been lost: for every user (the transport reconnected,
   * a subscription was re-established), or only for `userId` (a node that could not publish to it
   * says so once it can). The sessions concerned refill from the store.
   */
  gap(userId?: string): void;
}

/**
 * A stored message, by the recipient's inbox position; or, with `stream`, an entry of that group's
 * timeline (a message, a recall or a membership event) by its position there.
 */
export interface MessageDelivery {
  kind: 'message';
  userId: string;
  seq: number;
  frame: string;
  /** The group whose timeline `seq` is in; none for the user's own timeline. */
  stream?: string;
  /** The connection that sent it, which has it already (it got the ack). */
  origin?: string;
}

/** A stored notice (read receipt, recall, friend request, ...), dropped once delivered. */
export interface NoticeDelivery {
  kind: 'notice';
  userId: string;
  noticeId: number;
  frame: string;
}

/** A recalled message met while replaying the inbox: sent as its recall frame. */
export interface RecallDelivery {
  kind: 'recall';
  userId: string;
  seq: number;
  frame: string;
}

/** A frame that is never stored (`store: false`, typing indicators): online connections only. */
export interface TransientDelivery {
  kind: 'transient';
  userId: string;
  frame: string;
  /** The connection that caused it, which does not get it. */
  origin?: string;
}

/**
 * Closes the user's connections (the server API's kick, revoke and account deletion): with `code`
 * and `frame` as the reason; with `issuedBefore`, only those that connected with a token issued
 * before it (connections without a token too). Never stored: the revocation is, for connects.
 */
export interface KickDelivery {
  kind: 'kick';
  userId: string;
  code: number;
  frame: string;
  issuedBefore?: number;
}

/** What the bus carries; `frame` is serialized once and shared by every connection it goes to. */
export type Delivery = MessageDelivery | NoticeDelivery | RecallDelivery | TransientDelivery | KickDelivery;
