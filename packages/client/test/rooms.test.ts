/**
 * Chat rooms against a real server (docs/protocol.md, chat rooms 18 and 19): the recent window for
 * late joiners, live room messages, and rooms joined again by the SDK after a reconnect.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../server/test/helpers/test-server.js';
import { ErrorCode } from '../src/index.js';
import { connectClient, inbox, nextEvent, startProxy } from './helpers.js';

describe('chat rooms', () => {
  it('shows a late joiner the recent window, then live messages; only those in the room may post', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(t.wsUrl, 'bob');
    const carol = await connectClient(t.wsUrl, 'carol');
    expect(await alice.joinRoom('!lobby')).toEqual([]);
    const early = [await alice.send('!lobby', 'first'), await alice.send('!lobby', 'second 😀')];

    const bobInbox = inbox(bob);
    const joined = nextEvent(bob, 'roomJoined');
    const recent = await bob.joinRoom('!lobby');
    expect(recent.map((e) => [e.chatMsg.id, e.fromId, e.toId, e.chatMsg.message])).toEqual([
      [early[0]!.id, 'alice', '!lobby', 'first'],
      [early[1]!.id, 'alice', '!lobby', 'second 😀'],
    ]);
    expect(await joined).toMatchObject({ room: '!lobby', rejoined: false, missed: [] });
    expect(bob.rooms).toEqual(['!lobby']);
    expect(bobInbox.messages).toEqual([]); // the window is the join's answer, not messages

    const aliceInbox = inbox(alice);
    const live = await alice.send('!lobby', 'live');
    await bobInbox.until(1);
    expect(bobInbox.messages[0]).toMatchObject({
      fromId: 'alice',
      toId: '!lobby',
      conversationId: '!lobby',
      kind: 'room',
      transient: false,
      chatMsg: { id: live.id, message: 'live' },
    });
    expect(bobInbox.messages[0]!.chatMsg.seq).toBeUndefined();
    await bob.send('!lobby', 'hi alice');
    await aliceInbox.until(1);
    expect(aliceInbox.texts()).toEqual(['hi alice']); // never a copy of one's own

    await expect(carol.send('!lobby', 'not in the room')).rejects.toMatchObject({
      code: ErrorCode.NotMember,
    });
    await bob.leaveRoom('!lobby');
    expect(bob.rooms).toEqual([]);
    await expect(bob.send('!lobby', 'gone')).rejects.toMatchObject({ code: ErrorCode.NotMember });
    // room messages are not stored for anyone: not in history
    const page = await bob.history().next();
    expect((page.value ?? []).filter((e) => e.toId === '!lobby')).toEqual([]);
  });

  it('joins its rooms again after a reconnect, shows what it missed, then sends its outbox', async () => {
    const t = await startTestServer();
    const proxy = await startProxy(t.server.port);
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(proxy.wsUrl, 'bob');
    await alice.joinRoom('!lobby');
    await bob.joinRoom('!lobby');
    const aliceInbox = inbox(alice);
    await bob.send('!lobby', 'fill the id pool');
    await aliceInbox.until(1);
    const bobInbox = inbox(bob);

    proxy.freeze(); // bob's link goes silent: what alice posts now never reaches him
    const missed = await alice.send('!lobby', 'while bob was away');
    const fromBob = bob.send('!lobby', 'queued by bob'); // lost on the dead link, kept in the outbox
    const rejoined = nextEvent(bob, 'roomJoined', (e) => e.rejoined);
    proxy.dropAll();
    const again = await rejoined;
    expect(again.room).toBe('!lobby');
    expect(again.missed.map((e) => e.chatMsg.id)).toEqual([missed.id]);
    expect(again.recent.map((e) => e.chatMsg.id)).toContain(missed.id);
    await bobInbox.until(1);
    expect(bobInbox.messages[0]).toMatchObject({ kind: 'room', chatMsg: { id: missed.id } });

    // the outbox went out after the join (else the server would have refused it NOT_MEMBER)
    const sent = await fromBob;
    await aliceInbox.until(2);
    expect(aliceInbox.messages.map((m) => m.chatMsg.id).slice(1)).toEqual([sent.id]);
    // and bob is in the room again on the server: live messages reach him
    await alice.send('!lobby', 'after the rejoin');
    await bobInbox.until(2);
    expect(bobInbox.texts()).toEqual(['while bob was away', 'after the rejoin']);
    expect(bob.rooms).toEqual(['!lobby']);
  });
});
