import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { onCleanup, startTestServer } from '../../server/test/helpers/test-server.js';
import { ParleyClient } from '../src/index.js';
import { connectClient, FAST, record } from './helpers.js';

type Frame = Record<string, unknown>;

/** A fake server that refuses every action 1 the way an auth-enabled Parley server does. */
async function startRefusingServer(withErrorFrame: boolean) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  onCleanup(() => new Promise((resolve) => wss.close(resolve)));
  const received: Frame[] = [];
  let connections = 0;
  wss.on('connection', (ws) => {
    connections++;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      received.push(frame);
      if (frame.action !== '1') return;
      if (withErrorFrame) {
        ws.send(
          JSON.stringify({ action: '0', code: 'AUTH_FAILED', error: 'token expired', ref: { action: '1' } }),
        );
      }
      ws.close(4401, 'authentication failed');
    });
  });
  const { port } = wss.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}/ws`, received, connections: () => connections };
}

describe('tokens and authentication', () => {
  it('sends the token from an async provider in action 1', async () => {
    const fake = await startRefusingServer(true);
    let calls = 0;
    const client = new ParleyClient({
      url: fake.url,
      userId: 'alice',
      WebSocket,
      ...FAST,
      getToken: async () => {
        calls++;
        await new Promise((resolve) => setImmediate(resolve));
        return `token-${calls}`;
      },
    });
    onCleanup(() => client.close());
    await expect(client.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(fake.received[0]).toEqual({ action: '1', fromId: 'alice', token: 'token-1', confirms: true });
  });

  it('treats a refused token as fatal: error event, state closed, no reconnect loop', async () => {
    const fake = await startRefusingServer(true);
    const client = new ParleyClient({
      url: fake.url,
      userId: 'alice',
      WebSocket,
      ...FAST,
      reconnectBaseMs: 1,
      getToken: async () => 'expired',
    });
    onCleanup(() => client.close());
    const errors = record(client, 'error');
    const states = record(client, 'state');
    await expect(client.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED', action: '1' });
    expect(client.state).toBe('closed');
    expect(errors.map((e) => e.code)).toEqual(['AUTH_FAILED']);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'closed']);
    expect(fake.connections()).toBe(1);
    // everything after that fails with the same error instead of waiting forever
    await expect(client.send('bob', 'hi')).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await expect(client.contacts()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await expect(client.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('treats close code 4401 alone as fatal too', async () => {
    const fake = await startRefusingServer(false);
    const client = new ParleyClient({
      url: fake.url,
      userId: 'alice',
      WebSocket,
      ...FAST,
      reconnectBaseMs: 1,
    });
    onCleanup(() => client.close());
    const errors = record(client, 'error');
    await expect(client.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED', closeCode: 4401 });
    expect(client.state).toBe('closed');
    expect(errors).toHaveLength(1);
    expect(fake.connections()).toBe(1);
  });

  it('retries when the token provider fails, reporting each failure as an error event', async () => {
    const t = await startTestServer();
    let calls = 0;
    const errors: string[] = [];
    const client = await (async () => {
      const c = new ParleyClient({
        url: t.wsUrl,
        userId: 'alice',
        WebSocket,
        ...FAST,
        getToken: async () => {
          calls++;
          if (calls < 3) throw new Error('token service unavailable');
          return 'fresh'; // the open-mode test server ignores the token
        },
      });
      onCleanup(() => c.close());
      c.on('error', (e) => errors.push(e.code));
      await c.connect();
      return c;
    })();
    expect(client.state).toBe('connected');
    expect(errors).toEqual(['TOKEN_PROVIDER', 'TOKEN_PROVIDER']);
    expect(calls).toBe(3);
  });

  it('works against a real server in open mode without a token provider', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    expect(alice.state).toBe('connected');
  });

  it('treats a kick by the operator (4403) as final: error with the close code, closed, no reconnect', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const errors = record(alice, 'error');
    const closed = new Promise((resolve) => alice.on('state', (c) => c.state === 'closed' && resolve(c)));
    const res = await fetch(`${t.server.url}/v1/users/alice/kick`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'maintenance' }),
    });
    expect(res.status).toBe(200);
    await closed;
    expect(alice.state).toBe('closed');
    expect(errors.map((e) => [e.code, e.closeCode])).toEqual([['FORBIDDEN', 4403]]);
  });
});
