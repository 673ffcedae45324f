import type { ParleyClient } from '@parley/client';
import { Observable } from '../app/observable.js';

/**
 * The users this user blocked (actions 20, 21): asked at connect, changed from a chat's header.
 * The server refuses their messages with BLOCKED, so nothing of theirs reaches this page.
 */
export class Blocklist extends Observable {
  private users = new Set<string>();

  has(userId: string): boolean {
    return this.users.has(userId);
  }

  async load(client: ParleyClient): Promise<void> {
    this.users = new Set(await client.blocked());
    this.changed();
  }

  async set(client: ParleyClient, userId: string, blocked: boolean): Promise<void> {
    await (blocked ? client.block(userId) : client.unblock(userId));
    if (blocked) this.users.add(userId);
    else this.users.delete(userId);
    this.changed();
  }
}
