/**
 * Topic routing for chat rooms (part of `Bus`): a node subscribes to a room while it has
 * connections in it, and a frame published to a room reaches every node subscribed to it. Best
 * effort like the rest of the bus, and nothing behind it is stored per member: a member whose node
 * lost frames (its link to Redis dropped) is closed with 1012 by the `gap` handling, rejoins and
 * gets the room's recent window again.
 */
export interface RoomBus {
  /**
   * This node has a connection in `roomId` now (the core calls it for the first one, in order with
   * `unsubscribeRoom` per room). Resolves once frames published to the room from then on reach this
   * node.
   */
  subscribeRoom(roomId: string): Promise<void>;
  /** This node has no connection in `roomId` any more. */
  unsubscribeRoom(roomId: string): Promise<void>;
  /**
   * Routes a frame to every node subscribed to the room: this one (`deliverRoom` gets `skip` back,
   * the connection that sent it) and the others (without `skip`). Never throws; may drop.
   */
  publishRoom(d: RoomDelivery, skip?: object): void;
}

export interface RoomBusHandlers {
  /** A frame for this node's connections in `d.roomId`, except `skip`. */
  deliverRoom(d: RoomDelivery, skip: object | undefined): void;
}

/** A frame for a room's connections; `frame` is serialized once and shared by all of them. */
export interface RoomDelivery {
  roomId: string;
  /**
   * The message's position in the room (stored messages only): a connection that just joined
   * drops copies of what its recent window already held.
   */
  seq?: number;
  frame: string;
}
