import { isEventEntry, type ParleyClient } from '@parley/client';
import { type ChatEntry, entryFrom, eventEntryFrom } from '../chat/chat-entry.js';
import type { Timeline } from '../chat/timeline.js';

/** The first page of a history iterator (`history()`, `groupHistory()`), then the iterator is closed. */
export async function firstPage<T>(pages: AsyncGenerator<T, void, undefined>): Promise<T | undefined> {
  try {
    const first = await pages.next();
    return first.done ? undefined : first.value;
  } finally {
    await pages.return(undefined);
  }
}

/** The next older page of a 1:1 chat (the newest page when nothing is loaded yet). */
export async function directPage(
  client: ParleyClient,
  peerId: string,
  tl: Timeline,
  pageSize: number,
): Promise<ChatEntry[]> {
  const before = tl.loaded ? tl.oldestId() : undefined;
  const page = await firstPage(client.history({ with: peerId, pageSize, ...(before && { before }) }));
  return (page ?? []).map(entryFrom);
}

/** The next older page of a group, by position: its messages and membership events. */
export async function groupPage(
  client: ParleyClient,
  groupId: string,
  tl: Timeline,
  pageSize: number,
): Promise<ChatEntry[]> {
  const before = tl.loaded ? tl.oldestSeq() : undefined;
  if (tl.loaded && (before === undefined || before <= 1)) return [];
  const page = await firstPage(
    client.groupHistory(groupId, { pageSize, ...(before !== undefined && { beforeSeq: before }) }),
  );
  return (page?.entries ?? []).map((e) => (isEventEntry(e) ? eventEntryFrom(e) : entryFrom(e)));
}
