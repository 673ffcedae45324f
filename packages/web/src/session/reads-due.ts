import { type ChatEntry, compareEntries } from '../chat/chat-entry.js';

/**
 * What reading an open chat means: the messages of others not read yet (`unread`, in order) and
 * the receipts to send for them. In a 1:1 chat one receipt per message (each of the peer's ticks
 * turns); in a group the read position is one per member, so one per sender, for its newest
 * message (every sender's read count goes up, with one frame each). `readSeq`: how far this user
 * has read the group already (its entries up to there are read, whatever their status says).
 */
export function readsDue(
  entries: readonly ChatEntry[],
  me: string,
  group: boolean,
  readSeq: number,
): { unread: ChatEntry[]; receipts: ChatEntry[] } {
  const unread = entries.filter(
    (e) =>
      e.fromId !== me &&
      e.id !== undefined &&
      e.event === undefined &&
      e.status < 2 &&
      !e.recalled &&
      (e.seq === undefined || e.seq > readSeq),
  );
  if (!group) return { unread, receipts: unread };
  const newestBySender = new Map<string, ChatEntry>();
  for (const e of unread) newestBySender.set(e.fromId, e);
  return { unread, receipts: [...newestBySender.values()].sort(compareEntries) };
}
