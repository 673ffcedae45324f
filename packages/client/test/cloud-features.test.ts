/**
 * Features beyond the seed protocol (docs/protocol.md Part B). The server may not implement all of
 * them yet; these tests describe what the SDK expects once it does.
 */
import { describe, expect, it } from 'vitest';
import { admin } from '../../server/test/helpers/admin.js';
import { startTestServer } from '../../server/test/helpers/test-server.js';
import { parseEnvelope } from '../src/index.js';
import { connectClient, inbox, makeClient, nextEvent, record } from './helpers.js';

describe('transient messages and PING/PONG', () => {
  it('delivers a transient message to an online user, unconfirmed and not in history', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(t.wsUrl, 'bob');
    const bobInbox = inbox(bob);
    const sent = await alice.sendTransient('bob', { type: 2, message: '{"typing":true}' });
    await bobInbox.until(1);
    expect(bobInbox.messages[0]).toMatchObject({
      transient: true,
      fromId: 'alice',
      chatMsg: { id: sent.id },
    });
    const first = await alice.history({ with: 'bob' }).next();
    expect(first.done).toBe(true);
  });

  it('rejects a transient message to an offline user with OFFLINE', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    await (await connectClient(t.wsUrl, 'bob')).close();
    await expect(alice.sendTransient('bob', 'are you there?')).rejects.toMatchObject({ code: 'OFFLINE' });
  });

  it('pings another SDK end to end; the other side answers by itself', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(t.wsUrl, 'bob');
    const bobInbox = inbox(bob);
    const result = await alice.ping('bob');
    expect(result.userId).toBe('bob');
    expect(result.rttMs).toBeGreaterThanOrEqual(0);
    // the PING is handled by the SDK, not shown to the app
    expect(bobInbox.messages).toEqual([]);
  });

  it('rejects a ping to a user with no connection with OFFLINE', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(t.wsUrl, 'bob');
    await bob.close();
    await expect(alice.ping('bob')).rejects.toMatchObject({
      code: 'OFFLINE',
      id: expect.stringMatching(/^PING_/),
    });
  });

  it('shows PINGs to the app when automatic answers are off', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(t.wsUrl, 'bob', { answerPings: false });
    const seen = nextEvent(bob, 'message');
    const ping = alice.ping('bob').catch((err: unknown) => err);
    const msg = await seen;
    expect(msg.transient).toBe(true);
    expect(parseEnvelope(msg.chatMsg.message)).toMatchObject({ type: 'PING', payload: 'alice' });
    // nobody answers: the ping is still waiting when alice gives up
    await alice.close();
    expect(await ping).toMatchObject({ code: 'CLOSED' });
  });
});

describe('presence (action 7)', () => {
  it('tells whether a user has an open connection', async () => {
    const t = await startTestServer({ presenceScope: 'all' }); // by default only about contacts
    const alice = await connectClient(t.wsUrl, 'alice');
    await connectClient(t.wsUrl, 'bob');
    const event = nextEvent(alice, 'presence');
    expect(await alice.presence('bob')).toBe(true);
    expect(await event).toMatchObject({ fromId: 'bob', toId: 'alice', online: true });
    expect(await alice.presence('carol')).toBe(false);
  });
});

describe('recall (action 6)', () => {
  it('recalls a message: confirmed to the sender, announced to the recipient, erased in history', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(t.wsUrl, 'bob');
    const bobInbox = inbox(bob);
    const { id } = await alice.send('bob', 'oops');
    await bobInbox.until(1);
    const announced = nextEvent(bob, 'recall');
    await alice.recall(id);
    expect(await announced).toMatchObject({ fromId: 'alice', toId: 'bob', chatMsg: { id } });
    const page = await bob.history({ with: 'alice' }).next();
    expect(page.value?.[0]?.chatMsg).toMatchObject({ id, recalled: true, message: '' });
  });

  it('rejects recalling someone else’s message with the server code', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(t.wsUrl, 'bob');
    const { id } = await alice.send('bob', 'mine');
    await expect(bob.recall(id, 'alice')).rejects.toMatchObject({ action: '6' });
  });
});

describe('friends (actions 8, 9, 10)', () => {
  it('requests, accepts and removes a friend; both sides hear of each step', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(t.wsUrl, 'bob');

    const request = nextEvent(bob, 'friendRequest');
    const echo = await alice.addFriend('bob', '我是 alice 😀');
    expect(echo).toMatchObject({
      action: '8',
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { message: '我是 alice 😀' },
    });
    expect(await request).toMatchObject({ fromId: 'alice', chatMsg: { message: '我是 alice 😀' } });

    const response = nextEvent(alice, 'friendResponse');
    await bob.respondFriend('alice', true);
    expect(await response).toMatchObject({ fromId: 'bob', toId: 'alice', accepted: true });
    expect((await alice.contacts()).map((c) => c.toId)).toContain('bob');
    expect((await bob.contacts()).map((c) => c.toId)).toContain('alice');

    const removed = nextEvent(bob, 'friendRemoved');
    await alice.removeFriend('bob');
    expect(await removed).toMatchObject({ fromId: 'alice', toId: 'bob' });
    expect((await alice.contacts()).map((c) => c.toId)).not.toContain('bob');
  });

  it('rejects a response to a request that was never made', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    await connectClient(t.wsUrl, 'bob');
    await expect(alice.respondFriend('bob', true)).rejects.toMatchObject({ code: 'NOT_FOUND', action: '9' });
  });
});

describe('files (POST /files)', () => {
  it('uploads bytes from a Uint8Array, an ArrayBuffer and a Blob, and serves them back', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const bytes = new TextEncoder().encode('hello 😀 file');
    const inputs = [bytes, bytes.slice().buffer, new Blob([bytes], { type: 'text/plain' })];
    for (const data of inputs) {
      const file = await alice.uploadFile(data, { name: 'hello 😀.txt', mime: 'text/plain' });
      expect(file).toMatchObject({ name: 'hello 😀.txt', size: bytes.length, mime: 'text/plain' });
      const res = await fetch(new URL(file.url, t.server.url));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    }
  });

  it('sends a file as a type 1 message carrying its URL', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(t.wsUrl, 'bob');
    const bobInbox = inbox(bob);
    const sent = await alice.sendFile('bob', new Uint8Array([1, 2, 3]), {
      name: 'a.bin',
      mime: 'application/octet-stream',
    });
    await bobInbox.until(1);
    expect(bobInbox.messages[0]!.chatMsg).toMatchObject({ id: sent.id, type: 1, message: sent.file.url });
  });
});

describe('server rate limits', () => {
  it('resends frames refused with RATE_LIMITED instead of failing them', async () => {
    const t = await startTestServer({ framesPerSecond: 20, userFramesPerSecond: 20 });
    const alice = await connectClient(t.wsUrl, 'alice', { maxFramesPerSecond: 0 });
    const bob = await connectClient(t.wsUrl, 'bob');
    const bobInbox = inbox(bob);
    const sent = await Promise.all(Array.from({ length: 60 }, (_, i) => alice.send('bob', `burst ${i}`)));
    await bobInbox.until(60);
    expect(new Set(bobInbox.messages.map((m) => m.chatMsg.id))).toEqual(new Set(sent.map((s) => s.id)));
  });

  it('paces its writes under the limit, so that order is kept', async () => {
    const t = await startTestServer({ framesPerSecond: 20, userFramesPerSecond: 20 });
    const alice = await connectClient(t.wsUrl, 'alice', { maxFramesPerSecond: 15 });
    const bob = await connectClient(t.wsUrl, 'bob');
    const bobInbox = inbox(bob);
    const sent = await Promise.all(Array.from({ length: 50 }, (_, i) => alice.send('bob', `paced ${i}`)));
    await bobInbox.until(50);
    expect(bobInbox.messages.map((m) => m.chatMsg.id)).toEqual(sent.map((s) => s.id));
  });
});

describe('token auth on a real server (B1)', () => {
  const SECRET = 'app-secret-of-at-least-32-characters!!';

  /** What the app's backend does: ask the server for a token with the app secret. */
  async function tokenFor(url: string, userId: string): Promise<string> {
    const r = await admin(url, 'POST', '/v1/tokens', { userId }, { authorization: `Bearer ${SECRET}` });
    expect(r.status).toBe(200);
    return r.body.token as string;
  }

  it('connects and uploads with tokens from an async provider; a refused token is fatal', async () => {
    const t = await startTestServer({ appSecret: SECRET, adminKey: 'admin-key-separate-from-the-secret' });
    let issued = 0;
    const getToken = async () => {
      issued++;
      return tokenFor(t.server.url, 'alice');
    };
    const alice = await connectClient(t.wsUrl, 'alice', { getToken });
    const bob = await connectClient(t.wsUrl, 'bob', { getToken: () => tokenFor(t.server.url, 'bob') });
    const bobInbox = inbox(bob);
    const sent = await alice.sendFile('bob', new Uint8Array([104, 105]), {
      name: 'hi.txt',
      mime: 'text/plain',
    });
    await bobInbox.until(1);
    expect(bobInbox.messages[0]!.chatMsg).toMatchObject({ id: sent.id, type: 1, message: sent.file.url });
    expect(issued).toBe(2); // one for the connection, one for the upload

    const mallory = makeClient(t.wsUrl, 'mallory', { getToken: () => tokenFor(t.server.url, 'alice') });
    const errors = record(mallory, 'error');
    await expect(mallory.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(mallory.state).toBe('closed');
    expect(errors.map((e) => e.code)).toEqual(['AUTH_FAILED']);
  });
});
