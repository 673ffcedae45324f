/**
 * Things to undo however the run ends (a finished scenario, an error, Ctrl-C): the PostgreSQL
 * databases and Redis keys a cluster scenario made. The servers using them are stopped first.
 */
const pending = new Map<number, { what: string; fn: () => Promise<void> }>();
let next = 0;

/** Registers `fn`; call the returned function to run it now (and unregister it). */
export function onCleanup(what: string, fn: () => Promise<void>): () => Promise<void> {
  const id = next++;
  pending.set(id, { what, fn });
  return async () => {
    if (!pending.delete(id)) return;
    await fn();
  };
}

/** Runs every registered cleanup (each once); failures are reported, not thrown. */
export async function runCleanups(): Promise<void> {
  const all = [...pending.values()];
  pending.clear();
  for (const { what, fn } of all) {
    try {
      await fn();
    } catch (err) {
      process.stderr.write(`bench: could not clean up ${what}: ${(err as Error).message}\n`);
    }
  }
}
