import type { Bus, BusHandlers, Delivery } from '../../src/bus/bus.js';
import { LocalBus } from '../../src/bus/local/local-bus.js';
import type { RoomDelivery } from '../../src/bus/room-bus.js';

/**
 * A LocalBus that mistreats the stored messages to one user, as a cluster's routing can: it holds
 * them and lets them out in reverse order (`reverse`: after that many), or drops some (`drop`: the
 * 1-based numbers of the message deliveries to lose).
 */
export class UnrulyBus implements Bus {
  private readonly inner = new LocalBus();
  private readonly held: Delivery[] = [];
  private seen = 0;

  constructor(
    private readonly userId: string,
    private readonly mischief: { reverse?: number; drop?: number[] },
  ) {}

  start(handlers: BusHandlers): Promise<void> {
    return this.inner.start(handlers);
  }

  publish(d: Delivery): void {
    if (d.userId !== this.userId || d.kind !== 'message') {
      this.inner.publish(d);
      return;
    }
    this.seen++;
    if (this.mischief.drop?.includes(this.seen)) return;
    const n = this.mischief.reverse;
    if (n === undefined) {
      this.inner.publish(d);
      return;
    }
    this.held.push(d);
    if (this.held.length < n) return;
    for (const h of this.held.splice(0).reverse()) this.inner.publish(h);
  }

  join(userId: string): Promise<void> {
    return this.inner.join(userId);
  }

  leave(userId: string): Promise<void> {
    return this.inner.leave(userId);
  }

  isOnline(userId: string): Promise<boolean> {
    return this.inner.isOnline(userId);
  }

  subscribeRoom(roomId: string): Promise<void> {
    return this.inner.subscribeRoom(roomId);
  }

  unsubscribeRoom(roomId: string): Promise<void> {
    return this.inner.unsubscribeRoom(roomId);
  }

  publishRoom(d: RoomDelivery, skip?: object): void {
    this.inner.publishRoom(d, skip);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
