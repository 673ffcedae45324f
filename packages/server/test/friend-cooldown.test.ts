import { describe, expect, it } from 'vitest';
import { manualClock } from './helpers/manual-clock.js';
import { startTestServer } from './helpers/test-server.js';

describe('friend request cooldown', () => {
  it('refuses a new request after a rejection with COOLDOWN, without telling the target', async () => {
    const clock = manualClock();
    const t = await startTestServer({ friendRequestCooldownMs: 60_000 }, { clock });
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    a.send({ action: '8', fromId: 'alice', toId: 'bob' });
    await b.nextAction('8');
    b.send({ action: '9', fromId: 'bob', toId: 'alice', accepted: false });
    await a.nextAction('9');
    await b.nextAction('9'); // bob's own echo
    const refused = await a.request({ action: '8', fromId: 'alice', toId: 'bob' }, '0');
    expect(refused).toMatchObject({ code: 'COOLDOWN', ref: { action: '8' } });
    expect(await b.drain()).toEqual([]);
    // bob may still ask alice, and the cooldown ends
    clock.advance(60_001);
    a.send({ action: '8', fromId: 'alice', toId: 'bob', chatMsg: { message: 'please?' } });
    expect((await b.nextAction('8')).chatMsg.message).toBe('please?');
  });
});
