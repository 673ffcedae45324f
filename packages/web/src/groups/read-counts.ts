import type { GroupMember } from '@parley/client';

/**
 * How many members read each of your messages in one group. Two sources: the members' positions
 * (`group(id).members`: a member who joined before the message and whose `readSeq` reached it
 * read it), for messages whose group position is known, and the live receipts (`groupRead`: a
 * member read up to one of your messages, so also your earlier ones). A message sent from this page
 * learns its position only from history, so until then the receipts alone count it. The server's
 * own `readCount` is not used: it also counts members who joined after the message.
 */
export class ReadCounts {
  private readonly readSeq = new Map<string, number>();
  private readonly joinedSeq = new Map<string, number>();
  private readonly readers = new Map<string, Set<string>>();

  /** The members and their positions, from `group(id)`. */
  setMembers(members: readonly GroupMember[]): void {
    this.joinedSeq.clear();
    for (const m of members) {
      this.joinedSeq.set(m.userId, m.joinedSeq);
      this.raise(m.userId, m.readSeq);
    }
  }

  /** A member's read position moved (a receipt on a message whose position is known). */
  raise(userId: string, seq: number): void {
    if (seq > (this.readSeq.get(userId) ?? 0)) this.readSeq.set(userId, seq);
  }

  readSeqOf(userId: string): number {
    return this.readSeq.get(userId) ?? 0;
  }

  /** `readerId` read up to one of your messages: that one and your earlier ones (`upTo`, by id). */
  receipt(upTo: readonly string[], readerId: string): void {
    for (const mine of upTo) {
      let set = this.readers.get(mine);
      if (!set) {
        set = new Set();
        this.readers.set(mine, set);
      }
      set.add(readerId);
    }
  }

  /** How many members other than `senderId` read the message `id` at position `seq` (if known). */
  count(id: string, seq: number | undefined, senderId: string): number {
    const readers = new Set(this.readers.get(id));
    if (seq !== undefined) {
      for (const [userId, joined] of this.joinedSeq) {
        if (joined < seq && (this.readSeq.get(userId) ?? 0) >= seq) readers.add(userId);
      }
    }
    readers.delete(senderId);
    return readers.size;
  }
}
