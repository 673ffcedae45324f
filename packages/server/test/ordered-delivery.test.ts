import { describe, expect, it } from 'vitest';
import type { Frame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';
import { UnrulyBus } from './helpers/unruly-bus.js';

/** The messages a client got, as [seq, text]. */
const got = (frames: Frame[]) =>
  frames.filter((f) => f.action === '3').map((f) => [f.chatMsg.seq, f.chatMsg.message]);

describe('live messages reach a connection in the order of its timeline', () => {
  it('puts messages that arrive out of order back in order, each once', async () => {
    const t = await startTestServer({}, { bus: new UnrulyBus('bob', { reverse: 3 }) });
    const alice = await t.connect('alice');
    const bob = await t.connect('bob', { confirms: true });
    for (const text of ['one', 'two', 'three']) await alice.say('bob', text);
    await bob.next((f) => f.action === '3' && f.chatMsg.message === 'three');
    await bob.drain(); // everything the server sent so far: the late copies of one and two are not there
    expect(got(bob.received)).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
  });

  it('fills in a message whose live frame was lost when the next one arrives', async () => {
    const t = await startTestServer({}, { bus: new UnrulyBus('bob', { drop: [1] }) });
    const alice = await t.connect('alice');
    const bob = await t.connect('bob', { confirms: true });
    await alice.say('bob', 'lost on the way');
    await bob.say('alice', 'meanwhile bob writes'); // takes a position of bob's timeline too
    await alice.say('bob', 'the next one');
    await bob.next((f) => f.action === '3' && f.chatMsg.message === 'the next one');
    expect(got(bob.received)).toEqual([
      [1, 'lost on the way'],
      [3, 'the next one'],
    ]);
  });

  it('keeps a device cursor safe: a reconnect with since after an out-of-order burst skips nothing', async () => {
    const t = await startTestServer({}, { bus: new UnrulyBus('bob', { reverse: 2 }) });
    const alice = await t.connect('alice');
    const bob = await t.connect('bob', { confirms: true });
    await alice.say('bob', 'a');
    await alice.say('bob', 'b');
    const first = await bob.nextAction('3');
    // the device saw only its first frame when it dropped: that is its cursor
    expect(first.chatMsg).toMatchObject({ seq: 1, message: 'a' });
    await bob.close();
    const again = await t.client();
    again.userId = 'bob';
    again.send({ action: '1', fromId: 'bob', since: first.chatMsg.seq, confirms: true });
    await again.nextAction('1');
    expect(got(await again.drain())).toEqual([[2, 'b']]);
  });

  it('routes a retried message again, so a recipient gets it although its first frame was lost, and once', async () => {
    const t = await startTestServer({}, { bus: new UnrulyBus('bob', { drop: [1] }) });
    const alice = await t.connect('alice');
    const bob = await t.connect('bob', { confirms: true });
    const sent = await alice.say('bob', 'only once'); // stored; its live frame is lost
    // the sender never saw its ack (say, a node died): it sends the same message again
    const again = await alice.say('bob', 'only once', sent.id);
    expect(again.ack).toMatchObject({ action: '4', chatMsg: { id: sent.id, status: 1 } });
    await bob.next((f) => f.action === '3' && f.chatMsg.id === sent.id);
    await alice.say('bob', 'only once', sent.id); // and again: bob has it, the copy is dropped
    await bob.drain();
    expect(got(bob.received)).toEqual([[1, 'only once']]);
  });
});
