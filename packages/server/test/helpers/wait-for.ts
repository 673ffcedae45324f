import type { TestClient } from './test-client.js';

/**
 * Polls a condition that has no event of its own (a count on the server, a key in Redis) until it
 * holds; the condition may be asynchronous.
 */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolves with the close code, or fails if the connection is still open after `ms`. */
export async function closedWithin(c: TestClient, ms: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
  });
  try {
    return (await Promise.race([c.closed, late])).code;
  } finally {
    clearTimeout(timer);
  }
}
