import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/config/config.js';
import { startTestServer } from '../helpers/test-server.js';
import {
  typesOf,
  WEBHOOK_TEST_SECRET,
  type WebhookEvent,
  webhookReceiver,
} from '../helpers/webhook-receiver.js';

const fast = { webhookTiming: { pollMs: 50, leaseCheckMs: 200 } };

function hooked(url: string, more: Partial<ServerConfig> = {}): Partial<ServerConfig> {
  return { webhookUrl: url, webhookSecret: WEBHOOK_TEST_SECRET, ...more };
}

describe('webhook events', () => {
  it('delivers every event type, signed, with unique ids and the documented data', async () => {
    const hook = await webhookReceiver();
    const t = await startTestServer(hooked(hook.url, { timeZone: 'Asia/Shanghai' }), fast);
    const of = (type: string, match: (e: WebhookEvent) => boolean = () => true) =>
      hook.event((e) => e.type === type && match(e));

    const alice = await t.connect('alice');
    const bob = await t.connect('bob');
    expect((await of('user.online', (e) => e.data.userId === 'alice')).data).toEqual({ userId: 'alice' });
    await of('user.online', (e) => e.data.userId === 'bob');

    // 1:1: sent, read, recalled
    const m = await alice.say('bob', '你好 👋');
    const sent = await of('message.sent');
    expect(sent.data).toEqual({
      fromId: 'alice',
      toId: 'bob',
      chatMsg: {
        id: m.id,
        type: 0,
        message: '你好 👋',
        status: 1,
        time: m.ack.chatMsg.time,
        ts: m.ack.chatMsg.ts,
        seq: 1,
      },
    });
    expect(sent.time).toBe(new Date(m.ack.chatMsg.ts).toISOString());
    await bob.nextAction('3');
    bob.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m.id, status: 2 } });
    expect((await of('message.read')).data).toEqual({
      readerId: 'bob',
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { id: m.id },
    });
    alice.send({ action: '6', fromId: 'alice', toId: 'bob', chatMsg: { id: m.id } });
    expect((await of('message.recalled')).data).toEqual({
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { id: m.id },
    });

    // friends: requested, answered
    const carol = await t.connect('carol');
    const request = await carol.request({
      action: '8',
      fromId: 'carol',
      toId: 'alice',
      chatMsg: { message: 'hi' },
    });
    expect((await of('friend.requested')).data).toEqual({
      fromId: 'carol',
      toId: 'alice',
      message: 'hi',
      time: request.chatMsg.time,
      ts: request.chatMsg.ts,
    });
    await alice.request({ action: '9', fromId: 'alice', toId: 'carol', accepted: true });
    expect((await of('friend.answered')).data).toEqual({ fromId: 'alice', toId: 'carol', accepted: true });

    // a group: created, joined, renamed; a message read and recalled in it
    const g = (await alice.request({ action: '13', fromId: 'alice', name: 'Trip', members: ['bob'] })).group
      .id;
    const created = await of('group.created');
    expect(created.data).toMatchObject({
      fromId: 'alice',
      toId: g,
      event: { type: 'created', name: 'Trip', users: ['alice', 'bob'], seq: 1 },
    });
    await alice.request({ action: '14', fromId: 'alice', toId: g, op: 'add', members: ['carol'] });
    expect((await of('group.joined')).data).toMatchObject({ toId: g, event: { users: ['carol'], seq: 2 } });
    await alice.request({ action: '14', fromId: 'alice', toId: g, op: 'rename', name: 'Trip 2' });
    expect((await of('group.renamed')).data).toMatchObject({ toId: g, event: { name: 'Trip 2', seq: 3 } });
    const gm = await alice.say(g, 'to all');
    expect((await of('message.sent', (e) => e.data.toId === g)).data).toMatchObject({
      fromId: 'alice',
      toId: g,
      chatMsg: { id: gm.id, message: 'to all', seq: 4 },
    });
    bob.send({ action: '4', fromId: 'bob', toId: g, chatMsg: { id: gm.id, status: 2 } });
    expect((await of('message.read', (e) => e.data.toId === g)).data).toEqual({
      readerId: 'bob',
      fromId: 'alice',
      toId: g,
      chatMsg: { id: gm.id, seq: 4 },
      readCount: 1,
    });
    alice.send({ action: '6', fromId: 'alice', toId: g, chatMsg: { id: gm.id } });
    expect((await of('message.recalled', (e) => e.data.toId === g)).data).toEqual({
      fromId: 'alice',
      toId: g,
      chatMsg: { id: gm.id, seq: 5 },
    });

    // a repeated read, recall or request changes nothing and tells nothing
    bob.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m.id, status: 2 } });
    await carol.request({ action: '8', fromId: 'carol', toId: 'alice', chatMsg: { message: 'hi' } }, '0');

    await bob.close();
    await of('user.offline', (e) => e.data.userId === 'bob');
    await alice.say('carol', 'last');
    await of('message.sent', (e) => e.data.toId === 'carol');

    const counts = new Map<string, number>();
    for (const e of hook.delivered) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({
      'user.online': 3,
      'user.offline': 1,
      'message.sent': 3,
      'message.read': 2,
      'message.recalled': 2,
      'friend.requested': 1,
      'friend.answered': 1,
      'group.created': 1,
      'group.joined': 1,
      'group.renamed': 1,
    });
    expect(hook.attempts.every((a) => a.signatureValid)).toBe(true);
    const ids = hook.delivered.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of hook.delivered) expect(Object.keys(e).sort()).toEqual(['data', 'id', 'time', 'type']);
  });

  it('records only the events WEBHOOK_EVENTS selects', async () => {
    const hook = await webhookReceiver();
    const t = await startTestServer(hooked(hook.url, { webhookEvents: 'message.sent, group.*' }), fast);
    const alice = await t.connect('alice');
    await t.connect('bob');
    const m = await alice.say('bob', 'one');
    await alice.request({ action: '8', fromId: 'alice', toId: 'bob', chatMsg: { message: 'be my friend' } });
    const g = (await alice.request({ action: '13', fromId: 'alice', name: 'G', members: ['bob'] })).group.id;
    await hook.event((e) => e.type === 'group.created');
    await hook.event((e) => e.type === 'message.sent' && e.data.chatMsg.id === m.id);
    const db = new Database(path.join(t.dataDir, 'parley.db'), { readonly: true });
    const types = (db.prepare('SELECT type FROM webhook_outbox ORDER BY id').all() as { type: string }[]).map(
      (r) => r.type,
    );
    db.close();
    expect(types).toEqual(['message.sent', 'group.created']);
    expect(typesOf(hook.delivered).sort()).toEqual(['group.created', 'message.sent']);
    expect(g).toMatch(/^~/);
  });

  it('refuses to start with WEBHOOK_URL and no secret, or with an unknown event name', async () => {
    await expect(startTestServer({ webhookUrl: 'http://127.0.0.1:9/hooks' })).rejects.toThrow(
      /WEBHOOK_SECRET/,
    );
    await expect(
      startTestServer(hooked('http://127.0.0.1:9/hooks', { webhookEvents: 'message.nope' })),
    ).rejects.toThrow(/WEBHOOK_EVENTS/);
    await expect(startTestServer({ webhookBeforeSend: true })).rejects.toThrow(/WEBHOOK_URL/);
  });
});
