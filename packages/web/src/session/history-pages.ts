import type { HistoryEntry } from '@parley/client';

/** The first page of a history iterator (`client.history()`), then the iterator is closed. */
export async function firstPage(
  pages: AsyncGenerator<HistoryEntry[], void, undefined>,
): Promise<HistoryEntry[]> {
  try {
    const first = await pages.next();
    return first.done ? [] : first.value;
  } finally {
    await pages.return(undefined);
  }
}
