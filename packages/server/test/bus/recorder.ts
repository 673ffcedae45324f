import type { BusHandlers, Delivery } from '../../src/bus/bus.js';
import type { RoomDelivery } from '../../src/bus/room-bus.js';

/** The handlers of a bus under test: keeps what it is given and lets a test wait for it. */
export class Recorder implements BusHandlers {
  readonly got: Delivery[] = [];
  /** Room frames, with the `skip` each came with. */
  readonly rooms: { d: RoomDelivery; skip: object | undefined }[] = [];
  gaps = 0;
  /** The user of each gap reported (undefined: every user). */
  readonly gapUsers: (string | undefined)[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  deliver(d: Delivery): void {
    this.got.push(d);
    this.wake();
  }

  deliverRoom(d: RoomDelivery, skip: object | undefined): void {
    this.rooms.push({ d, skip });
    this.wake();
  }

  /** Room frames to one room, in arrival order. */
  ofRoom(roomId: string): RoomDelivery[] {
    return this.rooms.filter((r) => r.d.roomId === roomId).map((r) => r.d);
  }

  gap(userId?: string): void {
    this.gaps++;
    this.gapUsers.push(userId);
    this.wake();
  }

  /** Deliveries to one user, in arrival order. */
  of(userId: string): Delivery[] {
    return this.got.filter((d) => d.userId === userId);
  }

  /** Resolves once `cond` holds (checked on every event); rejects naming `what` after the timeout. */
  until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const waiter = {
        check: cond,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves once `n` frames to `userId` have arrived. */
  count(userId: string, n: number, timeoutMs?: number): Promise<void> {
    return this.until(() => this.of(userId).length >= n, `${n} deliveries to ${userId}`, timeoutMs);
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}
