import type { ConversationBuffer } from './conversation-buffer.js';
import type { EntryBuffer } from './entry-buffer.js';
import type { IdClock } from './id-clock.js';
import type { PendingBuffer } from './pending-buffer.js';
import type { RangeBuffer } from './range-buffer.js';
import type { Statements } from './statements.js';
import type { UserFacts } from './user-facts.js';

/** What the write operations of a batch use: the statements and the writer's in-memory state. */
export interface WriteContext {
  readonly sql: Statements;
  /** Users' facts for the 1:1 message path; every write that changes one keeps it in step. */
  readonly users: UserFacts;
  /** The conversation rows of 1:1 messages, held across batches (conversation-buffer.ts). */
  readonly convs: ConversationBuffer;
  /** The timeline entries of 1:1 messages, held about a second a user at a time (entry-buffer.ts). */
  readonly entries: EntryBuffer;
  /** The pending rows of 1:1 messages, held with the conversation rows (pending-buffer.ts). */
  readonly pending: PendingBuffer;
  /** The id ranges the message path used, held with them (range-buffer.ts). */
  readonly ranges: RangeBuffer;
  /** When the last `id_clock` row was written (id-clock.ts). */
  readonly idClock: IdClock;
}
