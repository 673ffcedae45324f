import { describe, expect, it } from 'vitest';
import { HeldCommitStore } from '../helpers/held-commits.js';
import { textFrame } from '../helpers/test-client.js';
import { onCleanup, startTestServer, tempDir } from '../helpers/test-server.js';
import { join, roomMessage } from './room-frames.js';

async function serverWithHeldCommits() {
  const store = new HeldCommitStore({ dataDir: tempDir() });
  onCleanup(() => store.close());
  const t = await startTestServer({}, { store });
  const alice = await t.connect('alice');
  const bob = await t.connect('bob');
  await join(alice, '!lobby');
  await join(bob, '!lobby');
  return { store, t, alice, bob };
}

describe('room messages and commits', () => {
  it('acknowledges and delivers a room message only after its commit', async () => {
    const { store, alice, bob } = await serverWithHeldCommits();
    const [id] = await alice.ids();
    const gate = store.holdRoomCommits();
    alice.send(textFrame('alice', '!lobby', id!, 'held'));
    await gate.reached;
    // the server answers in order: whatever it had sent would come before these heartbeat replies
    expect(await alice.drain()).toEqual([]);
    expect(await bob.drain()).toEqual([]);
    gate.release();
    expect(await alice.nextAction('4')).toMatchObject({ fromId: '!lobby', chatMsg: { id, status: 1 } });
    expect(await bob.nextAction('3')).toEqual(roomMessage('alice', '!lobby', id!, 'held'));
  });

  it('never acknowledges or delivers a room message whose commit failed', async () => {
    const { store, alice, bob } = await serverWithHeldCommits();
    const [id, id2] = await alice.ids();
    store.failRoomCommits = true;
    alice.send(textFrame('alice', '!lobby', id!, 'lost'));
    expect(await alice.nextAction('0')).toMatchObject({ code: 'INTERNAL', ref: { action: '3', id } });
    expect(await alice.drain()).toEqual([]);
    expect(await bob.drain()).toEqual([]);
    store.failRoomCommits = false;
    expect((await alice.say('!lobby', 'works again', id2)).ack).toMatchObject({ action: '4' });
    expect(await bob.nextAction('3')).toEqual(roomMessage('alice', '!lobby', id2!, 'works again'));
  });

  it('gives a connection that joins while a message commits the message once', async () => {
    const { store, t, alice } = await serverWithHeldCommits();
    const [id] = await alice.ids();
    const carol = await t.connect('carol'); // before the hold: the commit queue waits behind it
    const gate = store.holdRoomCommits();
    alice.send(textFrame('alice', '!lobby', id!, 'in flight'));
    await gate.reached;
    const reply = join(carol, '!lobby');
    gate.release();
    await alice.nextAction('4');
    // in the window, or live after the reply: not both
    const recent = (await reply).recent as unknown[];
    const live = (await carol.drain()).filter((f) => f.action === '3');
    expect(recent.length + live.length).toBe(1);
  });
});
