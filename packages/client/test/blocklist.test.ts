/** The blocklist (actions 20, 21): frames, reply matching, and against a real server. */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../server/test/helpers/test-server.js';
import { blockedUsers, setBlocked } from '../src/blocklist.js';
import type { InboundFrame, OutboundFrame } from '../src/types.js';
import { connectClient, inbox } from './helpers.js';
import { harness } from './inbound-harness.js';

describe('blocklist frames', () => {
  it('writes action 20 to block and unblock and 21 to list; refuses bad users locally', async () => {
    const asked: OutboundFrame[] = [];
    const ask = async (frame: OutboundFrame) => {
      asked.push(frame);
      return (
        frame.action === '21' ? { action: '21', toId: 'bob', blocked: ['eve', 3] } : frame
      ) as InboundFrame;
    };
    await setBlocked(ask, 'bob', 'eve', true);
    await setBlocked(ask, 'bob', 'eve', false);
    expect(await blockedUsers(ask, 'bob')).toEqual(['eve']);
    expect(asked).toEqual([
      { action: '20', fromId: 'bob', toId: 'eve', blocked: true },
      { action: '20', fromId: 'bob', toId: 'eve', blocked: false },
      { action: '21', fromId: 'bob' },
    ]);
    await expect(setBlocked(ask, 'bob', 'bob', true)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(setBlocked(ask, 'bob', '~g1', true)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(asked).toHaveLength(3);
  });

  it('answers 20 and 21 in write order and fails them with the code of their error frame', async () => {
    const h = harness();
    const block = h.request({ action: '20', fromId: 'bob', toId: 'eve', blocked: true });
    const unknown = h.request({ action: '20', fromId: 'bob', toId: 'nobody', blocked: true });
    const list = h.request({ action: '21', fromId: 'bob' });
    h.deliver({ action: '20', fromId: 'bob', toId: 'eve', blocked: true });
    h.deliver({ action: '0', toId: 'bob', code: 'UNKNOWN_USER', error: 'no user', ref: { action: '20' } });
    h.deliver({ action: '21', toId: 'bob', blocked: ['eve'] });
    expect(await block).toMatchObject({ toId: 'eve', blocked: true });
    await expect(unknown).rejects.toMatchObject({ code: 'UNKNOWN_USER', action: '20' });
    expect(await list).toMatchObject({ blocked: ['eve'] });
    expect(h.events).toEqual([]);
  });
});

describe('blocklist against a server', () => {
  it('refuses a blocked user’s messages with BLOCKED until unblocked; the blocker can still write', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const eve = await connectClient(t.wsUrl, 'eve');
    const aliceInbox = inbox(alice);
    const eveInbox = inbox(eve);
    await alice.block('eve');
    expect(await alice.blocked()).toEqual(['eve']);
    await expect(eve.send('alice', 'let me in')).rejects.toMatchObject({ code: 'BLOCKED' });
    await alice.send('eve', 'one way');
    await eveInbox.until(1);
    await expect(alice.block('nobody')).rejects.toMatchObject({ code: 'UNKNOWN_USER' });

    await alice.unblock('eve');
    expect(await alice.blocked()).toEqual([]);
    await eve.send('alice', 'hello again');
    await aliceInbox.until(1);
    expect(aliceInbox.texts()).toEqual(['hello again']);
  });
});
