import { describe, expect, it } from 'vitest';
import { TestClient } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';
import { closedWithin, waitFor } from './helpers/wait-for.js';

/** Opening a connection that the server refuses before the upgrade: the HTTP status. */
async function refusedStatus(url: string, localAddress?: string): Promise<string> {
  const err = await TestClient.open(url, localAddress ? { localAddress } : {}).then(
    async (c) => {
      await c.close();
      throw new Error('the connection was accepted');
    },
    (e: Error) => e,
  );
  return err.message;
}

describe('admission', () => {
  it('closes a connection that does not send action 1 in time with 4408', async () => {
    const t = await startTestServer({ authTimeoutMs: 100 });
    const idle = await t.client();
    expect(await idle.next()).toMatchObject({ action: '0', code: 'NOT_CONNECTED', error: /action 1/ });
    expect(await closedWithin(idle, 3000)).toBe(4408);
    // one that connects in time stays
    const a = await t.client();
    await a.connect('alice');
    expect((await a.say('alice', 'here')).ack.action).toBe('4');
  });

  it('does not count junk frames before action 1 as liveness', async () => {
    const t = await startTestServer({ authTimeoutMs: 200, heartbeatIntervalMs: 50 });
    const junk = await t.client();
    const beat = setInterval(() => junk.send('{"action":'), 10);
    try {
      expect(await closedWithin(junk, 3000)).toBe(4408);
    } finally {
      clearInterval(beat);
    }
  });

  it('refuses the pending connection of an address over its cap, not other addresses', async () => {
    const t = await startTestServer({ maxPendingConnectionsPerIp: 3 });
    const pending = [await t.client(), await t.client(), await t.client()];
    expect(await refusedStatus(t.wsUrl)).toMatch(/503/);
    // another address still gets in (the whole 127/8 is loopback on Linux)
    if (process.platform === 'linux') {
      const other = await t.client({ localAddress: '127.0.0.2' });
      await other.connect('bob');
      expect((await other.say('bob', 'hi')).ack.action).toBe('4');
    }
    // a pending connection that authenticates frees its slot
    await pending[0]!.connect('alice');
    const next = await t.client();
    await next.connect('carol');
    expect((await pending[0]!.say('carol', 'hi')).ack.action).toBe('4');
    expect((await next.nextAction('3')).chatMsg.message).toBe('hi');
    // and one that goes away frees its slot too
    await pending[1]!.close();
    await waitFor(() => t.server.core.sessionCount === 4, 'the closed connection to go');
    expect(await t.client()).toBeInstanceOf(TestClient);
  });

  it('refuses connections over the total cap with 503', async () => {
    const t = await startTestServer({ maxConnections: 2 });
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    expect(await refusedStatus(t.wsUrl)).toMatch(/503/);
    expect((await a.say('bob', 'hi')).ack.action).toBe('4');
    await b.close();
    await waitFor(() => t.server.core.sessionCount === 1, 'bob to go');
    expect((await t.connect('carol')).userId).toBe('carol');
  });
});
