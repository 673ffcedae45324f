/**
 * Fan-out and presence behind the chat core: routes a frame to every connection of a user,
 * wherever it is connected. In-process by default; a Redis implementation spans several nodes.
 * Delivery through the bus is best effort: what must not be lost is in the Store first.
 */
export interface Bus {
  /** Starts routing: `deliver` is called for each frame addressed to a user joined on this node. */
  start(deliver: (d: Delivery) => void): Promise<void>;
  publish(d: Delivery): void;
  /** A connection of `userId` opened (join) or closed (leave) on this node. */
  join(userId: string): Promise<void>;
  leave(userId: string): Promise<void>;
  /** Whether the user has at least one open connection on any node. */
  isOnline(userId: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface Delivery {
  userId: string;
  /** The serialized frame, shared by every connection it goes to. */
  frame: string;
  /** Identity for de-duplication and confirmation: `m<seq>` for messages, `n<id>` for notices. */
  key: string;
}
