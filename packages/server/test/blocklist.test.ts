import { describe, expect, it } from 'vitest';
import type { Frame, TestClient } from './helpers/test-client.js';
import { textFrame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

const block = (c: TestClient, toId: string, blocked = true) =>
  c.request({ action: '20', fromId: c.userId, toId, blocked });

async function sendOrError(c: TestClient, frame: Frame): Promise<Frame> {
  c.send(frame);
  return c.next(
    (f) =>
      f.action === '0' ||
      (f.action === '4' && f.chatMsg?.id === frame.chatMsg?.id) ||
      f.action === frame.action,
  );
}

describe('blocklist (actions 20, 21)', () => {
  it('refuses messages, friend requests and transient frames from a blocked user with BLOCKED, until unblocked', async () => {
    const t = await startTestServer();
    const bob = await t.connect('bob');
    const mallory = await t.connect('mallory');
    const alice = await t.connect('alice');
    expect(await block(bob, 'mallory')).toEqual({
      action: '20',
      fromId: 'bob',
      toId: 'mallory',
      blocked: true,
    });
    expect((await bob.request({ action: '21', fromId: 'bob' })).blocked).toEqual(['mallory']);

    const [id] = await mallory.ids();
    expect(await sendOrError(mallory, textFrame('mallory', 'bob', id!, 'hey'))).toMatchObject({
      code: 'BLOCKED',
      ref: { id },
    });
    expect(
      await sendOrError(mallory, {
        action: '8',
        fromId: 'mallory',
        toId: 'bob',
        chatMsg: { message: 'friends?' },
      }),
    ).toMatchObject({ code: 'BLOCKED' });
    expect(
      await sendOrError(mallory, {
        action: '3',
        fromId: 'mallory',
        toId: 'bob',
        store: false,
        chatMsg: { id: 'typing', type: 2, message: 'typing' },
      }),
    ).toMatchObject({ code: 'BLOCKED' });
    // others are unaffected, and bob got nothing from mallory
    const ok = await alice.say('bob', 'hi bob');
    expect((await bob.nextAction('3')).chatMsg.id).toBe(ok.id);
    expect((await bob.drain()).filter((f) => f.fromId === 'mallory')).toEqual([]);
    // bob can still write to mallory (blocking is one way)
    expect((await bob.say('mallory', 'go away')).ack.action).toBe('4');

    // the refused id stays mallory's: usable once unblocked
    await block(bob, 'mallory', false);
    expect((await bob.request({ action: '21', fromId: 'bob' })).blocked).toEqual([]);
    mallory.send(textFrame('mallory', 'bob', id!, 'hey'));
    expect(await mallory.next((f) => f.action === '4' && f.chatMsg.id === id)).toMatchObject({
      chatMsg: { status: 1 },
    });
    expect((await bob.nextAction('3')).chatMsg.id).toBe(id);
  });

  it('survives a restart, and refuses bad input', async () => {
    const t = await startTestServer();
    const bob = await t.connect('bob');
    await t.connect('mallory');
    await block(bob, 'mallory');
    const again = await startTestServer({}, {}, t.dataDir).catch(() => undefined);
    expect(again).toBeUndefined(); // one server per data folder
    await t.stop();
    const t2 = await startTestServer({}, {}, t.dataDir);
    const bob2 = await t2.connect('bob');
    expect((await bob2.request({ action: '21', fromId: 'bob' })).blocked).toEqual(['mallory']);
    for (const [frame, code] of [
      [{ action: '20', fromId: 'bob', toId: 'bob', blocked: true }, 'BAD_REQUEST'],
      [{ action: '20', fromId: 'bob', toId: 'nobody', blocked: true }, 'UNKNOWN_USER'],
      [{ action: '20', fromId: 'bob', toId: 'mallory' }, 'BAD_REQUEST'],
      [{ action: '20', fromId: 'bob', toId: 'mallory', blocked: 'yes' }, 'BAD_REQUEST'],
      [{ action: '20', fromId: 'bob', toId: '~group', blocked: true }, 'BAD_REQUEST'],
    ] as const) {
      expect(await bob2.request(frame, '0'), JSON.stringify(frame)).toMatchObject({ code });
    }
  });
});
