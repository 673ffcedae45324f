import { describe, expect, it } from 'vitest';
import { admin } from '../../server/test/helpers/admin.js';
import { startTestServer } from '../../server/test/helpers/test-server.js';
import { createEnvelope, encodeEnvelope, MemoryOutbox, parseEnvelope } from '../src/index.js';
import { connectClient, inbox, makeClient, nextEvent, record } from './helpers.js';

describe('two SDK clients chatting', () => {
  it('sends text and app messages, confirms receipt, reports read receipts', async () => {
    const t = await startTestServer();
    const outbox = new MemoryOutbox();
    const alice = await connectClient(t.wsUrl, 'alice', { outbox });
    const bob = await connectClient(t.wsUrl, 'bob');
    const bobInbox = inbox(bob);

    const hello = await alice.send('bob', 'hello bob');
    expect(hello.id).toMatch(/^MSG\d{6,}$/);
    expect(hello.time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(typeof hello.ts).toBe('number');

    const envelope = createEnvelope('CARD', JSON.stringify({ title: 'hi' }));
    const app = await alice.send('bob', { type: 2, message: encodeEnvelope(envelope) });
    await bobInbox.until(2);
    expect(bobInbox.messages.map((m) => [m.chatMsg.id, m.chatMsg.type, m.fromId, m.transient])).toEqual([
      [hello.id, 0, 'alice', false],
      [app.id, 2, 'alice', false],
    ]);
    expect(parseEnvelope(bobInbox.messages[1]!.chatMsg.message)).toEqual(envelope);
    expect(outbox.size).toBe(0);

    // bob reads the first message: alice hears of it
    const read = nextEvent(alice, 'status', (s) => s.status === 2);
    bob.markRead(bobInbox.messages[0]!);
    expect(await read).toMatchObject({ id: hello.id, status: 2, fromId: 'bob', toId: 'alice' });

    // bob confirmed both messages automatically: a new connection of bob gets no replay
    const bob2 = await connectClient(t.wsUrl, 'bob');
    const bob2Inbox = inbox(bob2);
    const marker = await alice.send('bob', 'marker');
    await bob2Inbox.until(1);
    expect(bob2Inbox.messages.map((m) => m.chatMsg.id)).toEqual([marker.id]);
  });

  it('keeps ids pooled so that sends do not wait for action 2', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    await connectClient(t.wsUrl, 'bob');
    await alice.send('bob', 'first');
    expect(alice.pooledIds).toBeGreaterThanOrEqual(5);
    const sent = await Promise.all(Array.from({ length: 25 }, (_, i) => alice.send('bob', `m${i}`)));
    const ids = sent.map((s) => s.id);
    expect(new Set(ids).size).toBe(25);
    // sends go out in call order, so the ids come out of the pool in order
    expect([...ids].sort()).toEqual(ids);
  });

  it('round-trips emoji and other astral-plane text byte for byte', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(t.wsUrl, 'bob');
    const bobInbox = inbox(bob);
    const text = '😀 𠀀 👩‍👩‍👧 中文 é \u{1F9D1}\u{200D}\u{1F680} 𝄞';
    const envelope = createEnvelope('TEXT', text);
    await alice.send('bob', text);
    await alice.send('bob', { type: 2, message: encodeEnvelope(envelope) });
    await bobInbox.until(2);
    expect(bobInbox.messages[0]!.chatMsg.message).toBe(text);
    expect(parseEnvelope(bobInbox.messages[1]!.chatMsg.message)?.payload).toBe(text);
    const pages = [];
    for await (const page of bob.history({ with: 'alice' })) pages.push(...page);
    expect(pages[0]!.chatMsg.message).toBe(text);
  });

  it('refuses a lone surrogate locally instead of sending broken text', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    await expect(alice.send('bob', 'broken \uD83D')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('pages history backwards to the first message', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    await connectClient(t.wsUrl, 'bob');
    const sent = [];
    for (let i = 1; i <= 23; i++) sent.push((await alice.send('bob', `message ${i}`)).id);

    const pages: string[][] = [];
    for await (const page of alice.history({ with: 'bob', pageSize: 10 })) {
      pages.push(page.map((e) => e.chatMsg.id));
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 3]);
    expect(pages.reverse().flat()).toEqual(sent);

    // all conversations, default page size, starting before a given message
    const before: string[] = [];
    for await (const page of alice.history({ before: sent[5]! }))
      before.push(...page.map((e) => e.chatMsg.id));
    expect(before).toEqual(sent.slice(0, 5));
  });

  it('matches id-less replies to requests in order, also when interleaved', async () => {
    const t = await startTestServer();
    for (const [id, name] of [
      ['alice', 'Alice'],
      ['bob', 'Bob 😀'],
      ['carol', 'Carol'],
    ] as const) {
      expect((await admin(t.server.url, 'PUT', `/v1/users/${id}`, { name })).status).toBe(200);
    }
    await admin(t.server.url, 'PUT', '/v1/users/alice/contacts', { contacts: ['bob', 'carol'] });
    const alice = await connectClient(t.wsUrl, 'alice');
    await alice.send('bob', 'one');
    const firstPage = async () => {
      for await (const page of alice.history({ with: 'bob' })) return page;
      return [];
    };
    const [c1, h1, c2, h2] = await Promise.all([
      alice.contacts(),
      firstPage(),
      alice.contacts(),
      firstPage(),
    ]);
    expect(c1).toEqual([
      { toId: 'bob', toName: 'Bob 😀' },
      { toId: 'carol', toName: 'Carol' },
    ]);
    expect(c2).toEqual(c1);
    expect(h1.map((e) => e.chatMsg.message)).toEqual(['one']);
    expect(h2).toEqual(h1);
  });

  it('rejects a send with the server error code', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const errors = record(alice, 'error');
    // nobody by that name ever connected (open mode creates users on first connect)
    await expect(alice.send('nobody', 'hi')).rejects.toMatchObject({ code: 'UNKNOWN_USER', action: '3' });
    expect(errors).toEqual([]);
  });

  it('can send before connect(): the message waits and goes out once connected', async () => {
    const t = await startTestServer();
    const bob = await connectClient(t.wsUrl, 'bob');
    const bobInbox = inbox(bob);
    const alice = makeClient(t.wsUrl, 'alice');
    const sent = alice.send('bob', 'early');
    await alice.connect();
    const { id } = await sent;
    await bobInbox.until(1);
    expect(bobInbox.messages[0]!.chatMsg).toMatchObject({ id, message: 'early' });
  });
});
