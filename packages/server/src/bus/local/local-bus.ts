import type { Bus, BusHandlers, Delivery } from '../bus.js';
import type { RoomDelivery } from '../room-bus.js';

/** The single-node Bus: delivery is a function call, presence the set of users joined here. */
export class LocalBus implements Bus {
  private handlers: BusHandlers | undefined;
  private readonly joined = new Set<string>();
  /** Rooms with a connection here. */
  private readonly rooms = new Set<string>();

  async start(handlers: BusHandlers): Promise<void> {
    this.handlers = handlers;
  }

  publish(d: Delivery): void {
    if (this.joined.has(d.userId)) this.handlers?.deliver(d);
  }

  async join(userId: string): Promise<void> {
    this.joined.add(userId);
  }

  async leave(userId: string): Promise<void> {
    this.joined.delete(userId);
  }

  async isOnline(userId: string): Promise<boolean> {
    return this.joined.has(userId);
  }

  async subscribeRoom(roomId: string): Promise<void> {
    this.rooms.add(roomId);
  }

  async unsubscribeRoom(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
  }

  publishRoom(d: RoomDelivery, skip?: object): void {
    if (this.rooms.has(d.roomId)) this.handlers?.deliverRoom(d, skip);
  }

  async close(): Promise<void> {
    this.handlers = undefined;
    this.joined.clear();
    this.rooms.clear();
  }
}
