import { describe, expect, it } from 'vitest';
import { admin } from './helpers/admin.js';
import { startTestServer } from './helpers/test-server.js';

describe('presence scope', () => {
  it('answers only about contacts and oneself by default; FORBIDDEN otherwise', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    await t.connect('bob');
    const ask = (toId: string) =>
      a.request({ action: '7', fromId: 'alice', toId }, toId === 'alice' ? '7' : undefined);
    expect(await a.request({ action: '7', fromId: 'alice', toId: 'bob' }, '0')).toMatchObject({
      code: 'FORBIDDEN',
      ref: { action: '7' },
    });
    // an unknown user is answered the same way: no enumeration through presence
    expect(await a.request({ action: '7', fromId: 'alice', toId: 'nobody' }, '0')).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await ask('alice')).online).toBe(true);
    expect((await admin(t.server.url, 'PUT', '/v1/users/alice/contacts', { contacts: ['bob'] })).status).toBe(
      200,
    );
    expect(await a.request({ action: '7', fromId: 'alice', toId: 'bob' })).toMatchObject({ online: true });
  });

  it('answers about anyone with PRESENCE_SCOPE=all', async () => {
    const t = await startTestServer({ presenceScope: 'all' });
    const a = await t.connect('alice');
    expect(await a.request({ action: '7', fromId: 'alice', toId: 'nobody' })).toMatchObject({
      online: false,
    });
  });
});
