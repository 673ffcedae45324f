import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers/test-server.js';
import { waitFor } from './helpers/wait-for.js';

describe('presence (action 7)', () => {
  it('reports whether a user has an open connection', async () => {
    const t = await startTestServer({ presenceScope: 'all' }); // presence-scope.test.ts: the default
    const a = await t.connect('alice');
    const ask = (toId: string) => a.request({ action: '7', fromId: 'alice', toId });
    expect(await ask('bob')).toEqual({ action: '7', fromId: 'bob', toId: 'alice', online: false });
    const phone = await t.connect('bob');
    const laptop = await t.connect('bob');
    expect((await ask('bob')).online).toBe(true);
    await phone.close();
    await waitFor(() => t.server.core.sessionCount === 2, 'the server to see the phone go');
    expect((await ask('bob')).online).toBe(true);
    await laptop.close();
    await waitFor(() => t.server.core.sessionCount === 1, 'the server to see the laptop go');
    expect((await ask('bob')).online).toBe(false);
    expect((await ask('nobody')).online).toBe(false);
    expect((await ask('alice')).online).toBe(true);
  });
});
