import { describe, expect, it } from 'vitest';
import { textFrame } from '../helpers/test-client.js';
import { startTestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { join, leave, roomChatMsg, roomMessage } from './room-frames.js';

describe('chat rooms', () => {
  it('joins, sends to the other connections in the room, and leaves', async () => {
    const t = await startTestServer();
    const alice = await t.connect('alice');
    const bob = await t.connect('bob');
    const bobElsewhere = await t.connect('bob'); // another device of bob, not in the room
    const carol = await t.connect('carol');
    expect(await join(alice, '!lobby')).toEqual({ action: '18', toId: 'alice', room: '!lobby', recent: [] });
    expect(await join(bob, '!lobby')).toEqual({ action: '18', toId: 'bob', room: '!lobby', recent: [] });

    const m = await alice.say('!lobby', '大家好');
    expect(m.ack).toEqual({
      action: '4',
      fromId: '!lobby',
      toId: 'alice',
      chatMsg: { id: m.id, status: 1, time: expect.any(String), ts: expect.any(Number) },
    });
    const got = await bob.nextAction('3');
    expect(got).toEqual(roomMessage('alice', '!lobby', m.id, '大家好'));
    expect(got.chatMsg.ts).toBe(m.ack.chatMsg.ts);
    // the sender's connection does not get its own message; those outside the room get nothing
    expect(await alice.drain()).toEqual([]);
    expect(await bobElsewhere.drain()).toEqual([]);
    expect(await carol.drain()).toEqual([]);

    expect(await leave(bob, '!lobby')).toEqual({ action: '19', toId: 'bob', room: '!lobby' });
    expect(await leave(bob, '!lobby')).toEqual({ action: '19', toId: 'bob', room: '!lobby' }); // harmless
    expect(await leave(carol, '!never')).toEqual({ action: '19', toId: 'carol', room: '!never' });
    await alice.say('!lobby', 'anyone?');
    expect(await bob.drain()).toEqual([]);
    // nothing of it is a 1:1 message: no backlog, no history
    const later = await t.connect('bob');
    expect(await later.drain()).toEqual([]);
    expect((await alice.request({ action: '12', fromId: 'alice' })).historyMsgs).toEqual([]);
  });

  it('gives a connection that joins late the recent window, oldest first, trimmed to ROOM_RECENT_MESSAGES', async () => {
    const t = await startTestServer({ roomRecentMessages: 3 });
    const alice = await t.connect('alice');
    await join(alice, '!r');
    const sent = [];
    for (let i = 1; i <= 5; i++) sent.push(await alice.say('!r', `m${i}`, undefined));
    const bob = await t.connect('bob');
    const reply = await join(bob, '!r');
    expect(reply).toEqual({
      action: '18',
      toId: 'bob',
      room: '!r',
      recent: sent.slice(2).map((m, i) => ({
        fromId: 'alice',
        toId: '!r',
        chatMsg: { ...roomChatMsg(m.id, `m${i + 3}`), ts: m.ack.chatMsg.ts },
      })),
    });
    // joining again repeats the reply, and the connection stays in the room once
    expect(await join(bob, '!r')).toEqual(reply);
    const next = await alice.say('!r', 'm6');
    expect(await bob.nextAction('3')).toEqual(roomMessage('alice', '!r', next.id, 'm6'));
    expect(await bob.drain()).toEqual([]);
    expect(t.server.core.rooms.memberCount('!r')).toBe(2);
  });

  it('refuses a message from a connection that is not in the room, and keeps its id', async () => {
    const t = await startTestServer();
    const alice = await t.connect('alice');
    const aliceElsewhere = await t.connect('alice');
    const [id, id2] = await alice.ids();
    alice.send(textFrame('alice', '!lobby', id!, 'not yet'));
    expect(await alice.nextAction('0')).toMatchObject({
      code: 'NOT_MEMBER',
      toId: 'alice',
      ref: { action: '3', id },
    });
    await join(alice, '!lobby');
    // membership is per connection: another device of the same user is not in the room
    aliceElsewhere.send(textFrame('alice', '!lobby', id2!, 'from elsewhere'));
    expect(await aliceElsewhere.nextAction('0')).toMatchObject({ code: 'NOT_MEMBER' });
    // the refused id was not used up
    expect((await alice.say('!lobby', 'now', id)).ack).toMatchObject({
      action: '4',
      chatMsg: { id, status: 1 },
    });
    await leave(alice, '!lobby');
    alice.send(textFrame('alice', '!lobby', id2!, 'after leaving'));
    expect(await alice.nextAction('0')).toMatchObject({ code: 'NOT_MEMBER' });
  });

  it('takes a connection that closes out of every room it was in', async () => {
    const t = await startTestServer();
    const alice = await t.connect('alice');
    const bob = await t.connect('bob');
    for (const room of ['!a', '!b']) {
      await join(alice, room);
      await join(bob, room);
    }
    const rooms = t.server.core.rooms;
    expect([rooms.memberCount('!a'), rooms.memberCount('!b')]).toEqual([2, 2]);
    await bob.close();
    await waitFor(() => rooms.memberCount('!a') === 1 && rooms.memberCount('!b') === 1, 'bob to leave');
    await alice.say('!a', 'still here');
    await alice.close();
    await waitFor(() => rooms.memberCount('!a') === 0 && rooms.memberCount('!b') === 0, 'alice to leave');
    // a new connection of bob is in no room
    const bobAgain = await t.connect('bob');
    const [id] = await bobAgain.ids();
    bobAgain.send(textFrame('bob', '!a', id!, 'hello?'));
    expect(await bobAgain.nextAction('0')).toMatchObject({ code: 'NOT_MEMBER' });
  });

  it('acknowledges a retry again and stores and delivers it once; another message under its id is a duplicate', async () => {
    const t = await startTestServer();
    const alice = await t.connect('alice');
    const bob = await t.connect('bob');
    await join(alice, '!lobby');
    await join(bob, '!lobby');
    const first = await alice.say('!lobby', 'once');
    await bob.nextAction('3');
    const again = await alice.say('!lobby', 'once', first.id);
    expect(again.ack).toEqual(first.ack);
    expect(await bob.drain()).toEqual([]);
    const dup = await alice.say('!lobby', 'something else', first.id);
    expect(dup.ack).toMatchObject({ action: '0', code: 'DUPLICATE_ID', ref: { id: first.id } });
    const carol = await t.connect('carol');
    expect((await join(carol, '!lobby')).recent).toEqual([
      {
        fromId: 'alice',
        toId: '!lobby',
        chatMsg: { ...roomChatMsg(first.id, 'once'), ts: first.ack.chatMsg.ts },
      },
    ]);
    // an id used in a room is used: not for a 1:1 message, nor by someone else
    expect((await alice.say('bob', 'once', first.id)).ack).toMatchObject({ action: '0' });
    expect((await bob.say('!lobby', 'once', first.id)).ack).toMatchObject({ code: 'BAD_MSG_ID' });
  });

  it('sends transient messages to the connections in the room now, and keeps them out of the window', async () => {
    const t = await startTestServer();
    const alice = await t.connect('alice');
    const bob = await t.connect('bob');
    await join(alice, '!lobby');
    // alone in the room: still status 1 (a room is never offline)
    alice.send({ ...textFrame('alice', '!lobby', 'TYPING_1', 'typing'), store: false });
    expect(await alice.nextAction('4')).toMatchObject({
      fromId: '!lobby',
      chatMsg: { id: 'TYPING_1', status: 1 },
    });
    await join(bob, '!lobby');
    alice.send({ ...textFrame('alice', '!lobby', 'TYPING_2', 'typing', 2), store: false });
    expect(await alice.nextAction('4')).toMatchObject({ chatMsg: { id: 'TYPING_2', status: 1 } });
    expect(await bob.nextAction('3')).toEqual({
      action: '3',
      fromId: 'alice',
      toId: '!lobby',
      store: false,
      chatMsg: roomChatMsg('TYPING_2', 'typing', 2),
    });
    expect(await alice.drain()).toEqual([]);
    const carol = await t.connect('carol');
    expect((await join(carol, '!lobby')).recent).toEqual([]);
  });

  it('applies the message size limit to rooms', async () => {
    const t = await startTestServer({ maxMessageBytes: 8 });
    const alice = await t.connect('alice');
    await join(alice, '!lobby');
    for (const store of [undefined, false]) {
      alice.send({
        ...textFrame('alice', '!lobby', 'MSG000001', '123456789'),
        ...(store === false && { store }),
      });
      expect(await alice.nextAction('0')).toMatchObject({ code: 'TOO_LARGE', ref: { id: 'MSG000001' } });
    }
    expect((await alice.say('!lobby', '12345678')).ack).toMatchObject({ action: '4' });
  });

  it('caps the rooms of one connection at MAX_ROOMS_PER_CONNECTION', async () => {
    const t = await startTestServer({ maxRoomsPerConnection: 2 });
    const alice = await t.connect('alice');
    await join(alice, '!one');
    await join(alice, '!two');
    expect(await join(alice, '!three')).toMatchObject({
      action: '0',
      code: 'RATE_LIMITED',
      ref: { action: '18' },
    });
    expect(await join(alice, '!two')).toMatchObject({ action: '18', room: '!two' }); // already in it
    const other = await t.connect('alice'); // the cap is per connection
    expect(await join(other, '!three')).toMatchObject({ action: '18' });
    await leave(alice, '!one');
    expect(await join(alice, '!three')).toMatchObject({ action: '18', room: '!three' });
  });

  it('answers pipelined joins, posts and leaves in order', async () => {
    const t = await startTestServer();
    const alice = await t.connect('alice');
    const bob = await t.connect('bob');
    await join(bob, '!p');
    const [id] = await alice.ids();
    alice.send({ action: '18', fromId: 'alice', toId: '!p' });
    alice.send(textFrame('alice', '!p', id!, 'right after joining'));
    alice.send({ action: '19', fromId: 'alice', toId: '!p' });
    alice.send({ action: '18', fromId: 'alice', toId: '!q' });
    const replies = [];
    while (replies.length < 4) {
      const f = await alice.next();
      replies.push(f.action === '4' ? `4 ${f.chatMsg.id}` : `${f.action} ${f.room}`);
    }
    // the ack comes after its commit, so it may overtake the replies; the room replies keep their order
    expect(replies.filter((r) => !r.startsWith('4'))).toEqual(['18 !p', '19 !p', '18 !q']);
    expect(replies).toContain(`4 ${id}`);
    expect(await bob.nextAction('3')).toEqual(roomMessage('alice', '!p', id!, 'right after joining'));
  });

  it('sends one message to many connections in the room', async () => {
    // 60 connections open at once from one address: the cap on connections per address that have
    // not completed action 1 (16 by default) is not what this test is about
    const t = await startTestServer({ maxPendingConnectionsPerIp: 0 });
    const alice = await t.connect('alice');
    await join(alice, '!big');
    const listeners = await Promise.all(Array.from({ length: 60 }, (_, i) => t.connect(`l${i}`)));
    for (const l of listeners) await join(l, '!big');
    const m = await alice.say('!big', 'to all');
    const got = await Promise.all(listeners.map((l) => l.nextAction('3')));
    for (const f of got) expect(f).toEqual(roomMessage('alice', '!big', m.id, 'to all'));
  });
});
