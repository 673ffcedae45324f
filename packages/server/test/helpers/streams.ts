import { type Frame, TestClient, textFrame } from './test-client.js';
import { onCleanup } from './test-server.js';

/** A raw client that completed action 1 as `userId` (optionally from a device cursor), closed after the test. */
export async function openAs(url: string, userId: string, since?: number): Promise<TestClient> {
  const c = await TestClient.open(url);
  onCleanup(() => c.close());
  c.userId = userId;
  c.send({ action: '1', fromId: userId, ...(since !== undefined && { since }) });
  await c.nextAction('1');
  return c;
}

/**
 * Sends one text message per id to `to` at once, without waiting for acks (message `i` reads
 * `m<i>`). Returns the set of acknowledged ids as it fills; `onHalf` runs once half are acked.
 */
export function sendPipelined(a: TestClient, to: string, ids: string[], onHalf: () => void): Set<string> {
  const acked = new Set<string>();
  a.ws.on('message', (data) => {
    const f = JSON.parse(data.toString()) as Frame;
    if (f.action === '4' && f.chatMsg?.status === 1) {
      acked.add(f.chatMsg.id);
      if (acked.size === Math.floor(ids.length / 2)) onHalf();
    }
  });
  for (const [i, id] of ids.entries()) a.send(textFrame(a.userId!, to, id, `m${i}`));
  return acked;
}
