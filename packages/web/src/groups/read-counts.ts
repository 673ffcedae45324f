import type { GroupMember } from '@parley/client';

/**
 * How many members read each of your messages in one group. Two sources: the members' read
 * positions (`group(id).members[].readSeq`, for messages whose group position is known) and the
 * live receipts (`groupRead`: a member read up to one of your messages, so also your earlier
 * ones, and the server's count for it). A message sent from this page learns its position only
 * from history, so until then the receipts alone count it.
 */
export class ReadCounts {
  private readonly readSeq = new Map<string, number>();
  private readonly readers = new Map<string, Set<string>>();
  private readonly counted = new Map<string, number>();
  private members: readonly string[] = [];

  /** The members and their read positions, from `group(id)`. */
  setMembers(members: readonly GroupMember[]): void {
    this.members = members.map((m) => m.userId);
    for (const m of members) this.raise(m.userId, m.readSeq);
  }

  /** A member's read position moved (a receipt on a message whose position is known). */
  raise(userId: string, seq: number): void {
    if (seq > (this.readSeq.get(userId) ?? 0)) this.readSeq.set(userId, seq);
  }

  readSeqOf(userId: string): number {
    return this.readSeq.get(userId) ?? 0;
  }

  /**
   * `readerId` read up to your message `id` (`upTo`: it and your earlier messages, by id); the
   * server counted `readCount` readers of `id`.
   */
  receipt(id: string, upTo: readonly string[], readerId: string, readCount: number | undefined): void {
    for (const mine of upTo) {
      let set = this.readers.get(mine);
      if (!set) {
        set = new Set();
        this.readers.set(mine, set);
      }
      set.add(readerId);
    }
    if (readCount !== undefined && readCount > (this.counted.get(id) ?? 0)) this.counted.set(id, readCount);
  }

  /** How many members other than `senderId` read the message `id` at position `seq` (if known). */
  count(id: string, seq: number | undefined, senderId: string): number {
    const readers = new Set(this.readers.get(id));
    if (seq !== undefined) {
      for (const userId of this.members) if ((this.readSeq.get(userId) ?? 0) >= seq) readers.add(userId);
    }
    readers.delete(senderId);
    return Math.max(readers.size, this.counted.get(id) ?? 0);
  }
}
