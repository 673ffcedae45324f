import type { ParleyClient } from '@parley/client';
import { Observable } from '../app/observable.js';

/** Asked at most this many peers per round: presence is one request per user. */
const MAX_ASKED = 50;

/**
 * Who is online, for the dots of the list and the chat header. The protocol answers presence on
 * request only (action 7, about contacts), so the session asks at connect and every half minute;
 * a message or a typing signal from someone also shows them online.
 */
export class PresenceTracker extends Observable {
  private readonly online = new Map<string, boolean>();

  /** true online, false offline, undefined not known (not a contact, or not asked yet). */
  of(userId: string): boolean | undefined {
    return this.online.get(userId);
  }

  set(userId: string, online: boolean): void {
    if (this.online.get(userId) === online) return;
    this.online.set(userId, online);
    this.changed();
  }

  async refresh(client: ParleyClient, userIds: readonly string[]): Promise<void> {
    await Promise.all(
      userIds.slice(0, MAX_ASKED).map(async (id) => {
        try {
          this.set(id, await client.presence(id));
        } catch {
          // FORBIDDEN (not a contact) or disconnected: not known
          if (this.online.delete(id)) this.changed();
        }
      }),
    );
  }
}
