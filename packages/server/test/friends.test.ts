import { describe, expect, it } from 'vitest';
import type { TestClient } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

const request = (fromId: string, toId: string, message?: string) => ({
  action: '8',
  fromId,
  toId,
  ...(message !== undefined && { chatMsg: { message } }),
});
const respond = (fromId: string, toId: string, accepted: boolean) => ({
  action: '9',
  fromId,
  toId,
  accepted,
});
const contactIds = async (c: TestClient) =>
  (await c.request({ action: '11', fromId: c.userId })).contacts.map((x: { toId: string }) => x.toId);

describe('friends (actions 8, 9, 10)', () => {
  it('request and accept live: both sides see each other in action 11 at once', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    a.send(request('alice', 'bob', '我是alice'));
    const echo = await a.nextAction('8');
    expect(echo).toMatchObject({
      action: '8',
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { message: '我是alice' },
    });
    expect(echo.chatMsg.time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(await b.nextAction('8')).toEqual(echo);
    b.send(respond('bob', 'alice', true));
    expect(await b.nextAction('9')).toEqual(respond('bob', 'alice', true));
    expect(await a.nextAction('9')).toEqual(respond('bob', 'alice', true));
    expect(await contactIds(a)).toEqual(['bob']);
    expect(await contactIds(b)).toEqual(['alice']);
  });

  it('delivers requests and responses to offline users at their next connect', async () => {
    const t = await startTestServer();
    await (await t.connect('bob')).close();
    const a = await t.connect('alice');
    a.send(request('alice', 'bob'));
    expect((await a.nextAction('8')).chatMsg.message).toBe('');
    await a.close();
    const b = await t.connect('bob');
    expect(await b.nextAction('8')).toMatchObject({ fromId: 'alice', toId: 'bob' });
    b.send(respond('bob', 'alice', true));
    await b.nextAction('9');
    await b.close();
    expect(await (await t.connect('bob')).drain()).toEqual([]); // the request reached bob: not replayed
    const a2 = await t.connect('alice');
    expect(await a2.drain()).toEqual([respond('bob', 'alice', true)]);
    expect(await contactIds(a2)).toEqual(['bob']);
  });

  it('rejecting changes nothing; repeats are harmless', async () => {
    const t = await startTestServer({ friendRequestCooldownMs: 0 });
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    a.send(request('alice', 'bob', 'hi'));
    const first = await a.nextAction('8');
    await b.nextAction('8');
    a.send(request('alice', 'bob', 'hi again'));
    expect(await a.nextAction('8')).toEqual(first); // still the pending request, confirmed again
    expect(await b.drain()).toEqual([]); // nothing new for bob
    b.send(respond('bob', 'alice', false));
    expect(await b.nextAction('9')).toEqual(respond('bob', 'alice', false));
    expect(await a.nextAction('9')).toEqual(respond('bob', 'alice', false));
    b.send(respond('bob', 'alice', true)); // too late: the recorded answer stands
    expect(await b.nextAction('9')).toEqual(respond('bob', 'alice', false));
    expect(await a.drain()).toEqual([]);
    expect(await contactIds(a)).toEqual([]);
    expect(await contactIds(b)).toEqual([]);
    // without a cooldown (friend-cooldown.test.ts has one), a new request may be made at once
    a.send(request('alice', 'bob', 'please?'));
    expect((await b.nextAction('8')).chatMsg.message).toBe('please?');
  });

  it('refuses requests to oneself, to friends, to unknown users, and answers to no request', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    a.send(request('alice', 'bob'));
    await b.nextAction('8');
    b.send(respond('bob', 'alice', true));
    await a.nextAction('9');
    const cases: [TestClient, object, string, RegExp][] = [
      [a, request('alice', 'alice'), 'BAD_REQUEST', /yourself/],
      [a, request('alice', 'bob'), 'BAD_REQUEST', /already your contact/],
      [a, request('alice', 'nobody'), 'UNKNOWN_USER', /nobody/],
      [a, respond('alice', 'carol', true), 'NOT_FOUND', /no friend request from carol/],
      [
        a,
        { action: '8', fromId: 'alice', toId: 'bob', chatMsg: { message: 5 } },
        'BAD_REQUEST',
        /chatMsg\.message/,
      ],
      [a, { action: '9', fromId: 'alice', toId: 'bob', accepted: 'yes' }, 'BAD_REQUEST', /accepted/],
      [a, { action: '10', fromId: 'alice', toId: 'carol' }, 'NOT_FOUND', /not your contact/],
    ];
    for (const [c, frame, code, error] of cases) {
      const reply = await c.request(frame as Record<string, unknown>, '0');
      expect(reply).toMatchObject({ code });
      expect(reply.error).toMatch(error);
    }
  });

  it('removes a friend on both sides and tells the other', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    a.send(request('alice', 'bob'));
    await a.nextAction('8');
    await b.nextAction('8');
    b.send(respond('bob', 'alice', true));
    await a.nextAction('9');
    a.send({ action: '10', fromId: 'alice', toId: 'bob' });
    expect(await a.nextAction('10')).toEqual({ action: '10', fromId: 'alice', toId: 'bob' });
    expect(await b.nextAction('10')).toEqual({ action: '10', fromId: 'alice', toId: 'bob' });
    expect(await contactIds(a)).toEqual([]);
    expect(await contactIds(b)).toEqual([]);
    // and they can become friends again
    b.send(request('bob', 'alice'));
    expect(await a.nextAction('8')).toMatchObject({ fromId: 'bob' });
  });

  it('an acceptance settles a request the other way too', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    a.send(request('alice', 'bob'));
    b.send(request('bob', 'alice'));
    await a.nextAction('8');
    await b.nextAction('8');
    await a.nextAction('8');
    await b.nextAction('8');
    b.send(respond('bob', 'alice', true));
    await a.nextAction('9');
    a.send(respond('alice', 'bob', false)); // bob's request is already settled by the acceptance
    expect(await a.nextAction('9')).toEqual(respond('alice', 'bob', true));
    expect(await contactIds(a)).toEqual(['bob']);
  });
});
