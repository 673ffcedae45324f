/** Receipt confirmations against a real server (and an older fake one): batched, taken, flushed on close. */
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { onCleanup, startTestServer, type TestServer } from '../../server/test/helpers/test-server.js';
import { ParleyClient } from '../src/index.js';
import {
  confirmationsIn,
  connectClient,
  FAST,
  inbox,
  makeClient,
  record,
  recordingWebSocket,
  type WrittenFrame,
} from './helpers.js';

/** The positions of `userId`'s timeline still pending on the server. */
const pendingOf = async (t: TestServer, userId: string) =>
  (await t.server.core.store.pendingMessages(userId, 0, 100)).map((m) => m.seq);

/**
 * Connects `userId` as a fresh device (no `since`: it gets only what is pending), has alice send a
 * marker, and returns what it received up to the marker: nothing but the marker when nothing was
 * left pending for it.
 */
async function backlogOfFreshDevice(t: TestServer, alice: ParleyClient, userId: string): Promise<string[]> {
  const fresh = makeClient(t.wsUrl, userId);
  const got = inbox(fresh);
  await fresh.connect();
  const marker = await alice.send(userId, 'marker');
  await got.until(1);
  while (got.messages.at(-1)!.chatMsg.id !== marker.id) await got.until(got.messages.length + 1);
  return got.texts();
}

describe('receipt confirmations against a server', () => {
  it('confirms a burst of 1:1 messages with one action 22, and the server takes it', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    await (await connectClient(t.wsUrl, 'bob')).close();
    const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => alice.send('bob', `m${i}`)));
    expect(await pendingOf(t, 'bob')).toHaveLength(20);

    const rec = recordingWebSocket();
    const bob = makeClient(t.wsUrl, 'bob', { WebSocket: rec.WebSocket });
    const got = inbox(bob);
    await bob.connect(); // the backlog: 20 messages in a burst
    await got.until(20);
    expect(got.messages.map((m) => m.chatMsg.id)).toEqual(sent.map((s) => s.id));
    await rec.until((frames) => confirmationsIn(frames).length > 0);
    const top = Math.max(...got.messages.map((m) => m.chatMsg.seq!));
    expect(confirmationsIn(rec.sent)).toEqual([{ action: '22', fromId: 'bob', seq: top }]);
    await expect.poll(() => pendingOf(t, 'bob')).toEqual([]);

    // taken for good: a new device of bob's without `since` gets none of them again
    await bob.close();
    expect(await backlogOfFreshDevice(t, alice, 'bob')).toEqual(['marker']);
    expect(confirmationsIn(rec.sent)).toHaveLength(1);
  });

  it('writes what is outstanding when the app closes the client, long before the delay', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const rec = recordingWebSocket();
    const bob = await connectClient(t.wsUrl, 'bob', { WebSocket: rec.WebSocket, confirmDelayMs: 10_000 });
    const got = inbox(bob);
    await alice.send('bob', 'one');
    await alice.send('bob', 'two');
    await alice.send('bob', 'three');
    await got.until(3);
    expect(confirmationsIn(rec.sent)).toEqual([]); // still gathering
    expect(await pendingOf(t, 'bob')).toHaveLength(3);

    await bob.close();
    const top = got.messages.at(-1)!.chatMsg.seq!;
    expect(confirmationsIn(rec.sent)).toEqual([{ action: '22', fromId: 'bob', seq: top }]);
    expect(rec.sent.at(-1)).toEqual({ action: '22', fromId: 'bob', seq: top }); // the last frame written
    await expect.poll(() => pendingOf(t, 'bob')).toEqual([]);
    expect(await backlogOfFreshDevice(t, alice, 'bob')).toEqual(['marker']);
  });

  it('confirms a burst of group messages with one action 4 per group, for its last message', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    await (await connectClient(t.wsUrl, 'bob')).close();
    const g1 = await alice.createGroup('one', ['bob']);
    const g2 = await alice.createGroup('two', ['bob']);
    const inG1 = [];
    for (let i = 0; i < 5; i++) inG1.push(await alice.send(g1.id, `g1 ${i}`));
    const inG2 = [];
    for (let i = 0; i < 3; i++) inG2.push(await alice.send(g2.id, `g2 ${i}`));
    const direct = await alice.send('bob', 'direct');

    const rec = recordingWebSocket();
    const bob = makeClient(t.wsUrl, 'bob', { WebSocket: rec.WebSocket });
    const errors = record(bob, 'error');
    const got = inbox(bob);
    await bob.connect();
    await got.until(9);
    await rec.until((frames) => confirmationsIn(frames).length >= 3);
    const byId = new Map(got.messages.map((m) => [m.chatMsg.id, m]));
    const confirmations = confirmationsIn(rec.sent);
    const perGroup = confirmations.filter((f) => f.action === '4');
    expect(perGroup).toHaveLength(2); // in the order the server replayed the groups
    expect(perGroup).toEqual(
      expect.arrayContaining([
        { action: '4', fromId: 'bob', toId: g1.id, chatMsg: { id: inG1.at(-1)!.id, status: 1 } },
        { action: '4', fromId: 'bob', toId: g2.id, chatMsg: { id: inG2.at(-1)!.id, status: 1 } },
      ]),
    );
    expect(confirmations.filter((f) => f.action === '22')).toEqual([
      { action: '22', fromId: 'bob', seq: byId.get(direct.id)!.chatMsg.seq },
    ]);
    // and the server moved bob's group positions to those messages
    await expect
      .poll(async () => (await t.server.core.store.groupsToSync('bob')).map((g) => g.groupId))
      .toEqual([]);
    expect(errors).toEqual([]);
  });
});

/**
 * A server from before action 22, faked: it answers action 1, delivers what the test gives it,
 * records what the client writes, and refuses action 22 with UNKNOWN_ACTION as such a server does.
 */
async function startOldServer() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  onCleanup(() => new Promise((resolve) => wss.close(resolve)));
  const received: WrittenFrame[] = [];
  const waiters: (() => void)[] = [];
  let socket: WebSocket | undefined;
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as WrittenFrame;
      received.push(frame);
      if (frame.action === '1') {
        socket = ws;
        ws.send(JSON.stringify({ action: '1', toId: frame.fromId }));
      } else if (frame.action === '22') {
        ws.send(
          JSON.stringify({
            action: '0',
            toId: frame.fromId,
            code: 'UNKNOWN_ACTION',
            error: 'unknown action "22"',
            ref: { action: '22' },
          }),
        );
      }
      for (const w of waiters.splice(0)) w();
    });
  });
  const { port } = wss.address() as { port: number };
  const seqs = new Map<string, number>();
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    received,
    /** Delivers a stored 1:1 message from alice to bob (or of a group) at `seq`. */
    deliver(id: string, seq: number, toId = 'bob') {
      seqs.set(id, seq);
      socket!.send(
        JSON.stringify({
          action: '3',
          fromId: 'alice',
          toId,
          chatMsg: { id, type: 0, message: id, status: 1, time: 't', ts: 1, seq },
        }),
      );
    },
    /** Resolves once `cond(received)` holds; fails after 10 s (a safety net, not a wait). */
    until: (cond: (frames: WrittenFrame[]) => boolean) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('the client did not write the expected frames')),
          10_000,
        );
        const check = () => {
          if (!cond(received)) waiters.push(check);
          else {
            clearTimeout(timer);
            resolve();
          }
        };
        check();
      }),
  };
}

describe('receipt confirmations against a server without action 22', () => {
  it('falls back to one action 4 per 1:1 message, for the refused burst too, with no error for the app', async () => {
    const old = await startOldServer();
    const bob = new ParleyClient({ url: old.url, userId: 'bob', WebSocket, ...FAST, confirmDelayMs: 0 });
    onCleanup(() => bob.close());
    const errors = record(bob, 'error');
    const got = inbox(bob);
    await bob.connect();
    const ids = (frames: WrittenFrame[]) =>
      confirmationsIn(frames)
        .filter((f) => f.action === '4')
        .map((f) => `${f.toId} ${f.chatMsg.id}`);

    old.deliver('MSG000001', 1);
    old.deliver('MSG000002', 2);
    await got.until(2);
    // the first burst went out as action 22, was refused, and is confirmed message by message
    await old.until((frames) => ids(frames).length === 2);
    expect(confirmationsIn(old.received)[0]).toEqual({ action: '22', fromId: 'bob', seq: 2 });
    expect(ids(old.received)).toEqual(['alice MSG000001', 'alice MSG000002']);

    old.deliver('MSG000003', 3);
    old.deliver('MSG000004', 4);
    old.deliver('MSG000010', 7, '~g1');
    old.deliver('MSG000011', 8, '~g1');
    await got.until(6);
    await old.until((frames) => ids(frames).length === 5);
    expect(ids(old.received).slice(2)).toEqual(['alice MSG000003', 'alice MSG000004', '~g1 MSG000011']);
    expect(confirmationsIn(old.received).filter((f) => f.action === '22')).toHaveLength(1);
    expect(errors).toEqual([]);
    expect(bob.state).toBe('connected');
  });
});
