import type { Bus, Delivery } from '../bus.js';

/** The single-node Bus: delivery is a function call, presence a reference count. */
export class LocalBus implements Bus {
  private deliver: ((d: Delivery) => void) | undefined;
  private readonly online = new Map<string, number>();

  async start(deliver: (d: Delivery) => void): Promise<void> {
    this.deliver = deliver;
  }

  publish(d: Delivery): void {
    if (this.online.has(d.userId)) this.deliver?.(d);
  }

  async join(userId: string): Promise<void> {
    this.online.set(userId, (this.online.get(userId) ?? 0) + 1);
  }

  async leave(userId: string): Promise<void> {
    const n = (this.online.get(userId) ?? 0) - 1;
    if (n > 0) this.online.set(userId, n);
    else this.online.delete(userId);
  }

  async isOnline(userId: string): Promise<boolean> {
    return this.online.has(userId);
  }

  async close(): Promise<void> {
    this.deliver = undefined;
    this.online.clear();
  }
}
