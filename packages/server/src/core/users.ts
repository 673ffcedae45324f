import type { User } from '../store/store.js';
import type { Clock } from './clock.js';
import type { CommitQueue } from './commit-queue.js';

/** Creating and changing users and contact lists: through the commit queue, like every write. */
export class UserDirectory {
  constructor(
    private readonly commits: CommitQueue,
    private readonly clock: Clock,
  ) {}

  /** The user, created with its id as its name on first sight (open mode, token auth). */
  ensureUser(userId: string): Promise<User> {
    return this.commits.enqueue({ kind: 'ensureUser', userId, timeMs: this.clock.now() });
  }

  upsertUser(userId: string, name: string): Promise<User> {
    return this.commits.enqueue({ kind: 'upsertUser', userId, name, timeMs: this.clock.now() });
  }

  /** Replaces the list; names the ids that are not users (and changes nothing then). */
  setContacts(userId: string, contactIds: readonly string[]): Promise<{ unknown: string[] }> {
    return this.commits.enqueue({ kind: 'setContacts', userId, contactIds });
  }
}
