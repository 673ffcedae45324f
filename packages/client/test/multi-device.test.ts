import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../server/test/helpers/test-server.js';
import { connectClient, inbox, makeClient, nextEvent, record, startProxy } from './helpers.js';

describe('one user on several devices', () => {
  it('a device that comes back gets what the other device already confirmed', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const web = await connectClient(t.wsUrl, 'bob');
    const phone = await connectClient(t.wsUrl, 'bob');
    const webInbox = inbox(web);
    const phoneInbox = inbox(phone);
    const m1 = await alice.send('bob', 'while both are online');
    await webInbox.until(1);
    await phoneInbox.until(1);
    const cursor = phone.syncCursor;
    expect(cursor).toBeGreaterThan(0);
    await phone.close(); // the app persists phone.syncCursor

    const m2 = await alice.send('bob', 'while the phone is away 📱');
    await webInbox.until(2); // the web confirms it, so it is no longer pending for bob
    const phoneAgain = makeClient(t.wsUrl, 'bob', { since: cursor });
    const again = inbox(phoneAgain); // listening before connecting: the backlog follows the reply at once
    await phoneAgain.connect();
    await again.until(1);
    expect(again.messages.map((m) => [m.chatMsg.id, m.chatMsg.message])).toEqual([
      [m2.id, 'while the phone is away 📱'],
    ]);
    expect(again.messages.map((m) => m.chatMsg.id)).not.toContain(m1.id);
    expect(phoneAgain.syncCursor).toBeGreaterThan(cursor!);
  });

  it('a device that was away gets the notices another device already received (noticeCursor)', async () => {
    const t = await startTestServer();
    const bob = await connectClient(t.wsUrl, 'bob');
    const web = await connectClient(t.wsUrl, 'alice');
    const phone = await connectClient(t.wsUrl, 'alice');
    const bobInbox = inbox(bob);
    await web.send('bob', 'one');
    await bobInbox.until(1);
    bob.markRead(bobInbox.messages[0]!);
    await nextEvent(phone, 'status');
    const cursor = phone.noticeCursor;
    expect(cursor).toBeGreaterThan(0);
    await phone.close(); // the app persists phone.syncCursor and phone.noticeCursor

    const second = await web.send('bob', 'two');
    await bobInbox.until(2);
    bob.markRead(bobInbox.messages[1]!);
    const onWeb = await nextEvent(web, 'status');
    expect(onWeb).toMatchObject({ id: second.id, status: 2 });
    const phoneAgain = makeClient(t.wsUrl, 'alice', { since: phone.syncCursor, noticesSince: cursor });
    const statuses = record(phoneAgain, 'status');
    await phoneAgain.connect();
    await expect.poll(() => statuses.map((s) => [s.id, s.status])).toEqual([[second.id, 2]]);
    expect(phoneAgain.noticeCursor).toBeGreaterThan(cursor!);
  });

  it('reconnects within a session with its cursor, by itself', async () => {
    const t = await startTestServer();
    const proxy = await startProxy(t.server.port);
    const alice = await connectClient(t.wsUrl, 'alice');
    const web = await connectClient(t.wsUrl, 'bob');
    const phone = await connectClient(proxy.wsUrl, 'bob');
    const webInbox = inbox(web);
    const phoneInbox = inbox(phone);
    await alice.send('bob', 'first');
    await phoneInbox.until(1);
    proxy.freeze(); // the phone's link goes silent; the web keeps confirming
    const m2 = await alice.send('bob', 'second');
    await webInbox.until(2);
    proxy.dropAll(); // the phone notices, reconnects through the proxy, sends since
    await phoneInbox.until(2);
    expect(phoneInbox.messages.map((m) => m.chatMsg.id)).toContain(m2.id);
  });

  it('shows what another device sent without confirming it, and follows reads made on another device', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const web = await connectClient(t.wsUrl, 'bob');
    const phone = await connectClient(t.wsUrl, 'bob');
    const phoneInbox = inbox(phone);
    const webErrors = record(web, 'error');
    const phoneErrors = record(phone, 'error');

    const fromWeb = await web.send('alice', 'sent on the web');
    await phoneInbox.until(1);
    expect(phoneInbox.messages[0]).toMatchObject({
      fromId: 'bob',
      toId: 'alice',
      conversationId: 'alice',
      chatMsg: { id: fromWeb.id },
    });
    expect(phone.unread('alice')).toBe(0); // one's own message is never unread
    expect(phone.syncCursor).toBe(phoneInbox.messages[0]!.chatMsg.seq);

    const reply = await alice.send('bob', 'reply');
    await phoneInbox.until(2);
    expect(phone.unread('alice')).toBe(1);
    const readThere = nextEvent(phone, 'unread', (u) => u.conversationId === 'alice' && u.unread === 0);
    web.markRead({ fromId: 'alice', chatMsg: { id: reply.id } });
    await readThere;
    // the copy was not confirmed (the server would have answered NOT_FOUND): no error anywhere
    await alice.send('bob', 'marker');
    await phoneInbox.until(3);
    expect([...webErrors, ...phoneErrors]).toEqual([]);
  });
});
