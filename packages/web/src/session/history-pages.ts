/** The first page of a history iterator (`history()`, `groupHistory()`), then the iterator is closed. */
export async function firstPage<T>(pages: AsyncGenerator<T, void, undefined>): Promise<T | undefined> {
  try {
    const first = await pages.next();
    return first.done ? undefined : first.value;
  } finally {
    await pages.return(undefined);
  }
}
