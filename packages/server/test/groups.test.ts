import { describe, expect, it } from 'vitest';
import type { Frame, TestClient } from './helpers/test-client.js';
import { textFrame } from './helpers/test-client.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

async function createGroup(c: TestClient, members: string[], name = 'Trip 🏔'): Promise<string> {
  const reply = await c.request({ action: '13', fromId: c.userId, name, members });
  expect(reply.group).toMatchObject({ name, ownerId: c.userId, memberCount: members.length + 1, seq: 1 });
  return reply.group.id as string;
}

const change = (c: TestClient, groupId: string, op: string, fields: Frame = {}) =>
  c.request({ action: '14', fromId: c.userId, toId: groupId, op, ...fields });

async function changeOrError(c: TestClient, groupId: string, op: string, fields: Frame = {}): Promise<Frame> {
  c.send({ action: '14', fromId: c.userId, toId: groupId, op, ...fields });
  return c.next((f) => f.action === '14' || (f.action === '0' && f.ref?.action === '14'));
}

async function sendOrError(c: TestClient, toId: string, message: string): Promise<Frame> {
  const [id] = await c.ids();
  c.send(textFrame(c.userId!, toId, id!, message));
  return c.next((f) => (f.action === '4' || f.action === '0') && (f.chatMsg?.id === id || f.ref?.id === id));
}

async function users(t: TestServer, ...ids: string[]): Promise<TestClient[]> {
  return Promise.all(ids.map((id) => t.connect(id)));
}

describe('groups (actions 13 to 16)', () => {
  it('creates a group, delivers its messages to every member once, in order, and not back to the sending connection', async () => {
    const t = await startTestServer();
    const [alice, bob, carol] = await users(t, 'alice', 'bob', 'carol');
    const g = await createGroup(alice!, ['bob', 'carol']);
    expect(g).toMatch(/^~[a-z2-7]{16}$/);
    for (const c of [alice!, bob!, carol!]) {
      const created = await c.nextAction('16');
      expect(created).toMatchObject({
        fromId: 'alice',
        toId: g,
        event: { type: 'created', seq: 1, users: ['alice', 'bob', 'carol'], name: 'Trip 🏔' },
      });
    }
    const aliceOther = await t.connect('alice'); // a second device of the sender
    const sent = await alice!.say(g, '出发！');
    expect(sent.ack).toMatchObject({
      action: '4',
      fromId: g,
      toId: 'alice',
      chatMsg: { id: sent.id, status: 1 },
    });
    for (const c of [bob!, carol!, aliceOther]) {
      const m = await c.nextAction('3');
      expect(m).toMatchObject({
        fromId: 'alice',
        toId: g,
        chatMsg: { id: sent.id, message: '出发！', seq: 2 },
      });
    }
    const second = await bob!.say(g, 'ok');
    expect((await carol!.nextAction('3')).chatMsg).toMatchObject({ id: second.id, seq: 3 });
    expect((await alice!.nextAction('3')).chatMsg).toMatchObject({ id: second.id, seq: 3 });
    // the sending connection got its ack only
    expect((await alice!.drain()).filter((f) => f.action === '3')).toEqual([]);
    expect((await bob!.drain()).filter((f) => f.action === '3')).toEqual([]);
  });

  it('syncs an offline member at its next connect, in order, events included, and once', async () => {
    const t = await startTestServer();
    const [alice] = await users(t, 'alice');
    await (await t.connect('dave')).close();
    await (await t.connect('bob')).close();
    const g = await createGroup(alice!, ['bob']);
    const m1 = await alice!.say(g, 'one');
    await change(alice!, g, 'add', { members: ['dave'] });
    const m2 = await alice!.say(g, 'two');
    await change(alice!, g, 'rename', { name: 'Renamed' });
    const bob = await t.client();
    await bob.connect('bob');
    const seen = (await bob.drain()).filter((f) => f.action === '3' || f.action === '16');
    expect(seen.map((f) => f.chatMsg?.seq ?? f.event.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.map((f) => f.chatMsg?.id ?? f.event.type)).toEqual([
      'created',
      m1.id,
      'joined',
      m2.id,
      'renamed',
    ]);
    await bob.close();
    // proven delivered by the pong: not again
    const bobAgain = await t.connect('bob');
    expect((await bobAgain.drain()).filter((f) => f.action === '3' || f.action === '16')).toEqual([]);
    // dave joined at seq 3: sees its join and what follows
    const dave = await t.connect('dave');
    const daveSeen = (await dave.drain()).filter((f) => f.action === '3' || f.action === '16');
    expect(daveSeen.map((f) => f.chatMsg?.seq ?? f.event.seq)).toEqual([3, 4, 5]);
  });

  it('enforces roles: a member cannot add, kick or rename; admins manage members; the owner manages admins', async () => {
    const t = await startTestServer();
    const [alice, bob, carol, dave] = await users(t, 'alice', 'bob', 'carol', 'dave');
    const g = await createGroup(alice!, ['bob', 'carol']);
    expect(await changeOrError(bob!, g, 'add', { members: ['dave'] })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await changeOrError(bob!, g, 'remove', { members: ['carol'] })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await changeOrError(bob!, g, 'rename', { name: 'x' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await changeOrError(dave!, g, 'rename', { name: 'x' })).toMatchObject({ code: 'NOT_MEMBER' });
    expect(await changeOrError(alice!, '~nosuchgroup', 'rename', { name: 'x' })).toMatchObject({
      code: 'UNKNOWN_GROUP',
    });
    expect(await changeOrError(alice!, g, 'role', { members: ['bob'], role: 'admin' })).toMatchObject({
      action: '14',
      op: 'role',
    });
    expect(await changeOrError(bob!, g, 'add', { members: ['dave'] })).toMatchObject({
      action: '14',
      group: { memberCount: 4 },
    });
    expect(await changeOrError(bob!, g, 'remove', { members: ['alice'] })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await changeOrError(bob!, g, 'remove', { members: ['carol'] })).toMatchObject({
      group: { memberCount: 3 },
    });
    // the removed member got its removal, and gets nothing more
    await carol!.next((f) => f.action === '16' && f.event.type === 'removed');
    await alice!.say(g, 'after carol left');
    expect((await carol!.drain()).filter((f) => f.action === '3')).toEqual([]);
    expect(await sendOrError(carol!, g, 'let me in')).toMatchObject({ code: 'NOT_MEMBER' });
    // removed members keep the history up to their removal, nothing after
    const h = await carol!.request({ action: '12', fromId: 'carol', toId: g });
    expect(h.historyMsgs.at(-1).event.type).toBe('removed');
  });

  it('mutes: a muted member cannot post, the whole group can be muted except for admins', async () => {
    const t = await startTestServer();
    const [alice, bob, carol] = await users(t, 'alice', 'bob', 'carol');
    const g = await createGroup(alice!, ['bob', 'carol']);
    await change(alice!, g, 'mute', { members: ['bob'] });
    expect(await sendOrError(bob!, g, 'hi')).toMatchObject({ code: 'MUTED' });
    expect(await sendOrError(carol!, g, 'hi')).toMatchObject({ action: '4' });
    await change(alice!, g, 'unmute', { members: ['bob'] });
    expect(await sendOrError(bob!, g, 'hi')).toMatchObject({ action: '4' });
    await change(alice!, g, 'muteAll', { on: true });
    expect(await sendOrError(carol!, g, 'hi')).toMatchObject({ code: 'MUTED' });
    expect(await sendOrError(alice!, g, 'owner speaks')).toMatchObject({ action: '4' });
    // a refused message keeps its id: it can be sent once the mute is lifted
    const [id] = await carol!.ids();
    carol!.send(textFrame('carol', g, id!, 'later'));
    expect(await carol!.next((f) => f.ref?.id === id)).toMatchObject({ code: 'MUTED' });
    await change(alice!, g, 'muteAll', { on: false });
    carol!.send(textFrame('carol', g, id!, 'later'));
    expect(await carol!.next((f) => f.chatMsg?.id === id && f.action === '4')).toMatchObject({ action: '4' });
  });

  it('counts reads: receipts move read positions and tell the sender how many have read', async () => {
    const t = await startTestServer();
    const [alice, bob, carol] = await users(t, 'alice', 'bob', 'carol');
    const g = await createGroup(alice!, ['bob', 'carol']);
    const m = await alice!.say(g, 'read me');
    const bobPhone = await t.connect('bob');
    bob!.send({ action: '4', fromId: 'bob', toId: g, chatMsg: { id: m.id, status: 2 } });
    // bob's other device learns that bob read it there
    expect(await bobPhone.next((f) => f.action === '4' && f.chatMsg.status === 2)).toEqual({
      action: '4',
      fromId: 'bob',
      toId: g,
      chatMsg: { id: m.id, status: 2 },
    });
    expect(await alice!.next((f) => f.action === '4' && f.chatMsg.status === 2)).toMatchObject({
      fromId: 'bob',
      toId: g,
      chatMsg: { id: m.id, readCount: 1 },
    });
    carol!.send({ action: '4', fromId: 'carol', toId: g, chatMsg: { id: m.id, status: 2 } });
    expect(
      (await alice!.next((f) => f.action === '4' && f.chatMsg.status === 2 && f.fromId === 'carol')).chatMsg
        .readCount,
    ).toBe(2);
    // a member who joined after the message is not counted as having read it
    await (await t.connect('dave')).close();
    await change(alice!, g, 'add', { members: ['dave'] });
    const later = await alice!.request({ action: '15', fromId: 'alice', toId: g });
    const dave = later.members.find((x: Frame) => x.userId === 'dave');
    expect(dave.readSeq).toBeGreaterThanOrEqual(2); // its read position starts at its join
    const m2 = await alice!.say(g, 'after eve joined');
    bob!.send({ action: '4', fromId: 'bob', toId: g, chatMsg: { id: m2.id, status: 2 } });
    expect(
      (await alice!.next((f) => f.action === '4' && f.chatMsg.status === 2 && f.chatMsg.id === m2.id)).chatMsg
        .readCount,
    ).toBe(1);
    const info = await alice!.request({ action: '15', fromId: 'alice', toId: g });
    const readers = info.members.filter(
      (x: Frame) => x.userId !== 'alice' && x.joinedSeq < 2 && x.readSeq >= 2,
    );
    expect(readers.map((x: Frame) => x.userId).sort()).toEqual(['bob', 'carol']);
    const outsider = await t.connect('eve');
    expect(await outsider.request({ action: '15', fromId: 'eve', toId: g }, '0')).toMatchObject({
      code: 'NOT_MEMBER',
    });
  });

  it('recalls in a group, also for members that were away', async () => {
    const t = await startTestServer();
    const [alice, bob] = await users(t, 'alice', 'bob');
    await (await t.connect('carol')).close();
    const g = await createGroup(alice!, ['bob', 'carol']);
    const m = await alice!.say(g, 'oops');
    await bob!.nextAction('3');
    alice!.send({ action: '6', fromId: 'alice', toId: g, chatMsg: { id: m.id } });
    expect(await alice!.nextAction('6')).toMatchObject({ toId: g, chatMsg: { id: m.id } });
    expect(await bob!.nextAction('6')).toMatchObject({ toId: g, chatMsg: { id: m.id, seq: 3 } });
    expect(
      await bob!.request({ action: '6', fromId: 'bob', toId: g, chatMsg: { id: m.id } }, '0'),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    const carol = await t.connect('carol');
    const seen = (await carol.drain()).filter((f) => f.action === '3' || f.action === '6');
    expect(seen[0]?.chatMsg).toMatchObject({ id: m.id, recalled: true, message: '' });
    expect(seen[1]).toMatchObject({ action: '6', chatMsg: { id: m.id, seq: 3 } });
  });

  it("pages group history with baseSeq, from the member's join, events included", async () => {
    const t = await startTestServer();
    const [alice] = await users(t, 'alice');
    await (await t.connect('bob')).close();
    const g = await createGroup(alice!, []);
    for (let i = 0; i < 5; i++) await alice!.say(g, `m${i}`);
    await change(alice!, g, 'add', { members: ['bob'] });
    await alice!.say(g, 'after bob');
    const page = await alice!.request({ action: '12', fromId: 'alice', toId: g, pageSize: 3 });
    expect(page.historyMsgs.map((e: Frame) => e.chatMsg?.seq ?? e.event.seq)).toEqual([6, 7, 8]);
    const older = await alice!.request({ action: '12', fromId: 'alice', toId: g, pageSize: 10, baseSeq: 6 });
    expect(older.historyMsgs.map((e: Frame) => e.chatMsg?.seq ?? e.event.seq)).toEqual([1, 2, 3, 4, 5]);
    const bob = await t.connect('bob');
    const bobs = await bob.request({ action: '12', fromId: 'bob', toId: g });
    expect(bobs.historyMsgs.map((e: Frame) => e.chatMsg?.seq ?? e.event.seq)).toEqual([7, 8]);
  });

  it('lists conversations newest first with unread counts, 1:1 and groups, paged', async () => {
    const t = await startTestServer();
    const [alice, bob, carol] = await users(t, 'alice', 'bob', 'carol');
    const g = await createGroup(alice!, ['bob']);
    await alice!.say('bob', 'hi bob');
    await carol!.say('bob', 'hi from carol');
    await alice!.say(g, 'group news');
    const m = await alice!.say(g, 'more group news');
    const list = await bob!.request({ action: '17', fromId: 'bob' });
    expect(list.conversations.map((c: Frame) => [c.id, c.kind, c.unread])).toEqual([
      [g, 'group', 2],
      ['carol', 'user', 1],
      ['alice', 'user', 1],
    ]);
    expect(list.conversations[0].last.chatMsg).toMatchObject({ id: m.id, message: 'more group news' });
    bob!.send({ action: '4', fromId: 'bob', toId: g, chatMsg: { id: m.id, status: 2 } });
    await alice!.next((f) => f.action === '4' && f.chatMsg.status === 2);
    const page1 = await bob!.request({ action: '17', fromId: 'bob', pageSize: 2 });
    expect(page1.conversations.map((c: Frame) => [c.id, c.unread])).toEqual([
      [g, 0],
      ['carol', 1],
    ]);
    const page2 = await bob!.request({ action: '17', fromId: 'bob', pageSize: 2, before: page1.next });
    expect(page2.conversations.map((c: Frame) => c.id)).toEqual(['alice']);
    expect(page2.next).toBeUndefined();
    expect(await bob!.request({ action: '17', fromId: 'bob', before: 'garbage' }, '0')).toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('sends transient frames (typing) to the members online now, with the same checks', async () => {
    const t = await startTestServer();
    const [alice, bob, eve] = await users(t, 'alice', 'bob', 'eve');
    const g = await createGroup(alice!, ['bob']);
    const typing = {
      action: '3',
      fromId: 'alice',
      toId: g,
      store: false,
      chatMsg: { id: 'typing-1', type: 2, message: '{"typing":true}' },
    };
    alice!.send(typing);
    expect(await alice!.next((f) => f.action === '4' && f.chatMsg.id === 'typing-1')).toMatchObject({
      chatMsg: { status: 1 },
    });
    expect(await bob!.next((f) => f.store === false)).toMatchObject({
      fromId: 'alice',
      toId: g,
      chatMsg: { message: '{"typing":true}' },
    });
    expect((await alice!.drain()).filter((f) => f.action === '3')).toEqual([]); // not back to the sender
    eve!.send({ ...typing, fromId: 'eve' });
    expect(await eve!.nextAction('0')).toMatchObject({ code: 'NOT_MEMBER' });
    // never stored: not in history, not replayed
    const h = await bob!.request({ action: '12', fromId: 'bob', toId: g });
    expect(h.historyMsgs.map((e: Frame) => e.event?.type ?? e.chatMsg.id)).toEqual(['created']);
  });
});
