/**
 * Groups against a real server (docs/protocol.md, groups 13 to 16): messages to every member,
 * sync of an offline member, membership events, typed refusals, read counts, recall, history,
 * and the outbox across a reconnect.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../server/test/helpers/test-server.js';
import { ErrorCode, isGroupId, isParleyError, type ParleyClient } from '../src/index.js';
import { connectClient, inbox, makeClient, nextEvent, reach, record, startProxy } from './helpers.js';

/** Users exist once they connected (open mode); `offline` ones connect once and leave. */
async function users(wsUrl: string, online: string[], offline: string[] = []): Promise<ParleyClient[]> {
  for (const id of offline) await (await connectClient(wsUrl, id)).close();
  return Promise.all(online.map((id) => connectClient(wsUrl, id)));
}

/** The code a call rejects with. */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    if (isParleyError(err)) return err.code;
    throw err;
  }
  throw new Error('the call did not fail');
}

describe('groups', () => {
  it('delivers a group message to every member, an offline one at its next connect, without moving since', async () => {
    const t = await startTestServer();
    const [alice, bob, carol] = await users(t.wsUrl, ['alice', 'bob', 'carol'], ['dave']);
    const bobCreated = nextEvent(bob!, 'groupEvent', (e) => e.event.type === 'created');
    const group = await alice!.createGroup('Trip 🏔', ['bob', 'carol', 'dave']);
    expect(isGroupId(group.id)).toBe(true);
    expect(group).toMatchObject({ name: 'Trip 🏔', ownerId: 'alice', memberCount: 4, mutedAll: false });
    expect(await bobCreated).toMatchObject({
      fromId: 'alice',
      toId: group.id,
      event: { type: 'created', name: 'Trip 🏔' },
    });

    const bobInbox = inbox(bob!);
    const carolInbox = inbox(carol!);
    const aliceInbox = inbox(alice!);
    const bobCursor = bob!.syncCursor;
    const sent = [
      await alice!.send(group.id, '出发！'),
      await alice!.send(group.id, { type: 2, message: '{"x":1}' }),
    ];
    await bobInbox.until(2);
    await carolInbox.until(2);
    for (const got of [bobInbox, carolInbox]) {
      expect(got.messages.map((m) => [m.chatMsg.id, m.fromId, m.toId, m.conversationId, m.kind])).toEqual(
        sent.map((s) => [s.id, 'alice', group.id, group.id, 'group']),
      );
    }
    const seqs = bobInbox.messages.map((m) => m.chatMsg.seq!);
    expect(seqs[1]).toBeGreaterThan(seqs[0]!);
    expect(bob!.groupSeq(group.id)).toBe(seqs[1]);
    // group positions are the group's: the 1:1 sync cursor stays where it was
    expect(bob!.syncCursor).toBe(bobCursor);

    // dave was offline: at connect he gets the group's entries in order, events and messages
    const dave = makeClient(t.wsUrl, 'dave');
    const daveInbox = inbox(dave);
    const daveEvents = record(dave, 'groupEvent');
    await dave.connect();
    await daveInbox.until(2);
    expect(daveInbox.texts()).toEqual(['出发！', '{"x":1}']);
    expect(daveEvents.map((e) => e.event.type)).toContain('created');
    expect(dave.syncCursor).toBeUndefined();

    // the sending device gets acknowledgements, not copies; another device of alice gets copies
    const alice2 = await connectClient(t.wsUrl, 'alice');
    const alice2Inbox = inbox(alice2);
    const third = await alice!.send(group.id, 'third');
    await alice2Inbox.until(1);
    expect(alice2Inbox.messages[0]).toMatchObject({ fromId: 'alice', chatMsg: { id: third.id } });
    await bobInbox.until(3);
    expect(aliceInbox.messages).toEqual([]);
    expect(await alice!.groups()).toEqual([expect.objectContaining({ id: group.id })]);
  });

  it('never lets a group position skip a 1:1 message: since stays the user timeline', async () => {
    const t = await startTestServer();
    const proxy = await startProxy(t.server.port);
    const [alice] = await users(t.wsUrl, ['alice'], ['bob']);
    const bob = await connectClient(proxy.wsUrl, 'bob');
    const bobInbox = inbox(bob);
    const group = await alice!.createGroup('many', ['bob']);
    for (let i = 0; i < 6; i++) await alice!.send(group.id, `g${i}`); // group positions run ahead
    const one = await alice!.send('bob', '1:1 before');
    await bobInbox.until(7);
    expect(bob.syncCursor).toBe(bobInbox.messages.find((m) => m.kind === 'user')!.chatMsg.seq);
    expect(bob.syncCursor!).toBeLessThan(bob.groupSeq(group.id)!);

    // bob's link dies; a 1:1 message lands while he is away and must come with his since
    proxy.freeze();
    const away = await alice!.send('bob', '1:1 while away');
    const back = reach(bob, 'reconnecting').then(() => reach(bob, 'connected'));
    proxy.dropAll();
    await back;
    await bobInbox.until(8);
    expect(bobInbox.messages.map((m) => m.chatMsg.id)).toContain(away.id);
    expect(bobInbox.messages.map((m) => m.chatMsg.id)).toContain(one.id);
  });

  it('tells every member about membership changes, in order', async () => {
    const t = await startTestServer();
    const [alice, bob] = await users(t.wsUrl, ['alice', 'bob'], ['carol', 'dave']);
    const created = nextEvent(bob!, 'groupEvent', (e) => e.event.type === 'created');
    const group = await alice!.createGroup('events', ['bob', 'carol']);
    await created;
    const events = record(bob!, 'groupEvent');
    const removed = nextEvent(bob!, 'groupEvent', (e) => e.event.type === 'removed');
    await alice!.addMembers(group.id, 'dave');
    await alice!.renameGroup(group.id, 'renamed');
    await alice!.setRole(group.id, ['carol'], 'admin');
    await alice!.mute(group.id, 'dave', 60_000);
    await alice!.unmute(group.id, 'dave');
    await alice!.muteAll(group.id, true);
    const last = await alice!.removeMembers(group.id, 'dave');
    expect(last).toMatchObject({ id: group.id, name: 'renamed', mutedAll: true, memberCount: 3 });
    await removed;
    expect(events.map((e) => [e.event.type, e.fromId, e.toId])).toEqual(
      ['joined', 'renamed', 'role', 'muted', 'unmuted', 'mutedAll', 'removed'].map((type) => [
        type,
        'alice',
        group.id,
      ]),
    );
    expect(events.map((e) => e.event)).toMatchObject([
      { users: ['dave'] },
      { name: 'renamed' },
      { users: ['carol'], role: 'admin' },
      { users: ['dave'], untilTs: expect.any(Number) },
      { users: ['dave'] },
      { on: true },
      { users: ['dave'] },
    ]);
    const seqs = events.map((e) => e.event.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(bob!.groupSeq(group.id)).toBe(seqs.at(-1));

    const { group: info, members } = await bob!.group(group.id);
    expect(info.name).toBe('renamed');
    expect(members.map((m) => [m.userId, m.role]).sort()).toEqual([
      ['alice', 'owner'],
      ['bob', 'member'],
      ['carol', 'admin'],
    ]);
  });

  it('refuses what a role does not allow with typed errors carrying the server code', async () => {
    const t = await startTestServer();
    const clients = await users(t.wsUrl, ['alice', 'bob', 'carol', 'eve']);
    const [alice, bob, carol, eve] = clients;
    const errors = clients.map((c) => record(c, 'error'));
    const group = await alice!.createGroup('rules', ['bob', 'carol']);

    expect(await codeOf(bob!.renameGroup(group.id, 'mine now'))).toBe(ErrorCode.Forbidden);
    expect(await codeOf(bob!.removeMembers(group.id, 'carol'))).toBe(ErrorCode.Forbidden);
    expect(await codeOf(bob!.dismissGroup(group.id))).toBe(ErrorCode.Forbidden);
    expect(await codeOf(eve!.group(group.id))).toBe(ErrorCode.NotMember);
    expect(await codeOf(eve!.send(group.id, 'let me in'))).toBe(ErrorCode.NotMember);
    expect(await codeOf(alice!.send('~nosuchgroup', 'hello?'))).toBe(ErrorCode.UnknownGroup);
    expect(await codeOf(alice!.addMembers('~nosuchgroup', 'bob'))).toBe(ErrorCode.UnknownGroup);
    expect(await codeOf(alice!.addMembers(group.id, 'nobody-at-all'))).toBe(ErrorCode.UnknownUser);

    await alice!.mute(group.id, 'bob');
    const muted = await bob!.send(group.id, 'shh').catch((err: unknown) => err);
    expect(muted).toMatchObject({ code: ErrorCode.Muted, action: '3' });
    await alice!.unmute(group.id, 'bob');
    await bob!.send(group.id, 'back');
    await alice!.muteAll(group.id, true);
    expect(await codeOf(carol!.send(group.id, 'while all muted'))).toBe(ErrorCode.Muted);
    await alice!.send(group.id, 'the owner still may');

    await alice!.dismissGroup(group.id);
    expect(await codeOf(alice!.send(group.id, 'too late'))).toBe(ErrorCode.GroupDismissed);
    expect(await codeOf(alice!.renameGroup(group.id, 'too late'))).toBe(ErrorCode.GroupDismissed);
    // every refusal went to its call: none was left over for the error event
    expect(errors.flat()).toEqual([]);
  });

  it('counts readers: live readCount receipts to the sender and read positions in the member list', async () => {
    const t = await startTestServer();
    const [alice, bob, carol] = await users(t.wsUrl, ['alice', 'bob', 'carol'], ['dave']);
    const group = await alice!.createGroup('reads', ['bob', 'carol', 'dave']);
    const bobInbox = inbox(bob!);
    const carolInbox = inbox(carol!);
    const sent = await alice!.send(group.id, 'read me');
    await bobInbox.until(1);
    await carolInbox.until(1);
    const seq = bobInbox.messages[0]!.chatMsg.seq!;

    const first = nextEvent(alice!, 'groupRead');
    bob!.markRead(bobInbox.messages[0]!);
    expect(await first).toEqual({ groupId: group.id, id: sent.id, readerId: 'bob', readCount: 1 });
    const second = nextEvent(alice!, 'groupRead');
    carol!.markRead(carolInbox.messages[0]!);
    expect(await second).toEqual({ groupId: group.id, id: sent.id, readerId: 'carol', readCount: 2 });

    const readers = await alice!.readers(group.id, seq);
    expect(readers.map((m) => m.userId).sort()).toEqual(['bob', 'carol']);
    const { members } = await alice!.group(group.id);
    expect(members.find((m) => m.userId === 'bob')!.readSeq).toBeGreaterThanOrEqual(seq);
    expect(members.find((m) => m.userId === 'dave')!.readSeq).toBeLessThan(seq);
  });

  it('recalls a group message for every member and shows it recalled in the group history', async () => {
    const t = await startTestServer();
    const [alice, bob] = await users(t.wsUrl, ['alice', 'bob']);
    const group = await alice!.createGroup('oops', ['bob']);
    const bobInbox = inbox(bob!);
    const sent = await alice!.send(group.id, 'wrong chat');
    await bobInbox.until(1);
    const recalled = nextEvent(bob!, 'recall');
    await alice!.recall(sent.id); // this client knows where it went
    const notice = await recalled;
    expect(notice).toMatchObject({ fromId: 'alice', toId: group.id, chatMsg: { id: sent.id } });
    expect(notice.chatMsg.seq).toBeGreaterThan(bobInbox.messages[0]!.chatMsg.seq!);
    expect(bob!.groupSeq(group.id)).toBe(notice.chatMsg.seq);
    const page = await bob!.groupHistory(group.id).next();
    const entry = page.value!.messages.find((m) => m.chatMsg.id === sent.id);
    expect(entry?.chatMsg).toMatchObject({ recalled: true, message: '' });
  });

  it('pages a group history backwards by position, messages and events apart', async () => {
    const t = await startTestServer();
    const [alice] = await users(t.wsUrl, ['alice'], ['bob', 'carol']);
    const group = await alice!.createGroup('history', ['bob']);
    const texts: string[] = [];
    for (let i = 0; i < 5; i++) {
      texts.push(`m${i}`);
      await alice!.send(group.id, `m${i}`);
    }
    await alice!.addMembers(group.id, 'carol');
    await alice!.send(group.id, 'last');
    const pages = [];
    for await (const page of alice!.groupHistory(group.id, { pageSize: 3 })) pages.push(page);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const all = pages.reverse().flatMap((p) => p.entries);
    const positions = all.map((e) => ('event' in e ? e.event.seq : e.chatMsg.seq));
    expect(positions).toEqual([...positions].sort((a, b) => a! - b!));
    expect(new Set(positions).size).toBe(positions.length);
    const messages = pages.flatMap((p) => p.messages).map((m) => m.chatMsg.message);
    expect(messages).toEqual([...texts, 'last']);
    expect(pages.flatMap((p) => p.events).map((e) => e.event.type)).toEqual(['created', 'joined']);
    // the same history as messages only, and starting before a position
    const onlyMessages: string[] = [];
    for await (const page of alice!.history({ with: group.id, pageSize: 2 }))
      onlyMessages.unshift(...page.map((m) => m.chatMsg.message));
    expect(onlyMessages).toEqual([...texts, 'last']);
    const older = await alice!.groupHistory(group.id, { beforeSeq: positions.at(-1)! }).next();
    expect(older.value!.entries.at(-1)).toMatchObject({ event: { type: 'joined' } });
  });

  it('sends group messages from the outbox across a reconnect, each stored and delivered once', async () => {
    const t = await startTestServer();
    const proxy = await startProxy(t.server.port);
    const alice = await connectClient(proxy.wsUrl, 'alice', { heartbeatIntervalMs: 50, deadTimeoutMs: 300 });
    const [bob] = await users(t.wsUrl, ['bob']);
    const group = await alice.createGroup('outbox', ['bob']);
    const bobInbox = inbox(bob!);
    const duplicates = record(bob!, 'duplicate');
    const warmUp = await alice.send(group.id, 'fill the pool');

    // stored, but the acknowledgement never comes back: resent with its id after the reconnect
    proxy.holdDownstream();
    const lost = alice.send(group.id, 'ack lost');
    // and two more written while the link is dead: they wait in the outbox
    const more = [alice.send(group.id, 'queued 1'), alice.send(group.id, 'queued 2 😀')];
    const results = await Promise.all([lost, ...more]);
    await bobInbox.until(4);
    expect(bobInbox.messages.map((m) => m.chatMsg.id)).toEqual([warmUp.id, ...results.map((r) => r.id)]);
    expect(bobInbox.texts()).toEqual(['fill the pool', 'ack lost', 'queued 1', 'queued 2 😀']);
    for (const d of duplicates) expect(bobInbox.messages.map((m) => m.chatMsg.id)).toContain(d.chatMsg.id);

    const stored: string[] = [];
    for await (const page of bob!.history({ with: group.id }))
      stored.unshift(...page.map((e) => e.chatMsg.id));
    expect(stored).toEqual(bobInbox.messages.map((m) => m.chatMsg.id));
  });
});
