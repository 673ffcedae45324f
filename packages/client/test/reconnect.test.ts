import { describe, expect, it } from 'vitest';
import { startTestServer, tempDir } from '../../server/test/helpers/test-server.js';
import { MemoryOutbox, type OutboxEntry } from '../src/index.js';
import { connectClient, inbox, nextEvent, reach, record, startProxy } from './helpers.js';

/** An in-memory outbox that tells when the next entry was put. */
class WatchedOutbox extends MemoryOutbox {
  private onPut: (() => void) | undefined;
  get nextPut(): Promise<void> {
    return new Promise((resolve) => {
      this.onPut = resolve;
    });
  }
  override async put(entry: OutboxEntry): Promise<void> {
    await super.put(entry);
    this.onPut?.();
  }
}

describe('reconnects and the outbox', () => {
  it('survives a server restart under connected clients: nothing lost, nothing doubled', async () => {
    const dataDir = tempDir();
    const first = await startTestServer({}, {}, dataDir);
    const port = first.server.port;
    const outbox = new MemoryOutbox();
    const alice = await connectClient(first.wsUrl, 'alice', { outbox });
    const bob = await connectClient(first.wsUrl, 'bob');
    const bobInbox = inbox(bob);
    const bobDuplicates = record(bob, 'duplicate');
    const aliceStates = record(alice, 'state');

    const before = await alice.send('bob', 'before the restart');
    // written just before the server goes: its ack may or may not make it out
    const racing = alice.send('bob', 'racing the shutdown');
    const aliceDown = reach(alice, 'reconnecting');
    const bobDown = reach(bob, 'reconnecting');
    await first.stop();
    await Promise.all([aliceDown, bobDown]);

    // sent while the server is down: they wait in the outbox
    const whileDown = [alice.send('bob', 'while down 1'), alice.send('bob', 'while down 2 😀')];

    const second = await startTestServer({ port }, {}, dataDir);
    expect(second.server.port).toBe(port);
    const results = await Promise.all([racing, ...whileDown]);
    expect(outbox.size).toBe(0);

    await bobInbox.until(4);
    expect(bobInbox.messages.map((m) => m.chatMsg.id)).toEqual([before.id, ...results.map((r) => r.id)]);
    expect(bobInbox.texts()).toEqual([
      'before the restart',
      'racing the shutdown',
      'while down 1',
      'while down 2 😀',
    ]);
    // anything replayed twice was dropped, never shown twice
    for (const d of bobDuplicates)
      expect(bobInbox.messages.some((m) => m.chatMsg.id === d.chatMsg.id)).toBe(true);

    // stored once on the server
    const stored: string[] = [];
    for await (const page of alice.history({ with: 'bob' })) stored.unshift(...page.map((e) => e.chatMsg.id));
    expect(stored).toEqual(bobInbox.messages.map((m) => m.chatMsg.id));
    expect(aliceStates.map((s) => s.state)).toContain('reconnecting');
    expect(alice.state).toBe('connected');
  });

  it('resolves a send made while the server is down once it is back', async () => {
    const dataDir = tempDir();
    const first = await startTestServer({}, {}, dataDir);
    const port = first.server.port;
    const outbox = new WatchedOutbox();
    const alice = await connectClient(first.wsUrl, 'alice', { outbox });
    await connectClient(first.wsUrl, 'bob');
    await alice.send('bob', 'warm up the id pool');
    const down = reach(alice, 'reconnecting');
    await first.stop();
    await down;

    let settled = false;
    const pending = alice.send('bob', 'sent while down').finally(() => {
      settled = true;
    });
    // once the message sits in the outbox (written nowhere: there is no server), it is still pending
    await outbox.nextPut;
    expect(settled).toBe(false);
    await startTestServer({ port }, {}, dataDir);
    const result = await pending;
    expect(result.id).toMatch(/^MSG\d+$/);
    const page = await alice.history({ with: 'bob' }).next();
    expect(page.value?.map((e) => e.chatMsg.message)).toEqual(['warm up the id pool', 'sent while down']);
  });

  it('detects a dead connection by heartbeat and reconnects', async () => {
    const t = await startTestServer();
    const proxy = await startProxy(t.server.port);
    const alice = await connectClient(proxy.wsUrl, 'alice', { heartbeatIntervalMs: 50, deadTimeoutMs: 300 });
    const bob = await connectClient(t.wsUrl, 'bob');
    const bobInbox = inbox(bob);

    // the link goes silent without any close: only the missing heartbeat replies tell
    const reconnecting = reach(alice, 'reconnecting');
    proxy.freeze();
    await reconnecting;
    await reach(alice, 'connected');
    await alice.send('bob', 'after the dead link');
    await bobInbox.until(1);
    expect(bobInbox.texts()).toEqual(['after the dead link']);
  });

  it('resends an unacknowledged message with the same id: the server takes it as a retry', async () => {
    const t = await startTestServer();
    const proxy = await startProxy(t.server.port);
    const alice = await connectClient(proxy.wsUrl, 'alice', { heartbeatIntervalMs: 50, deadTimeoutMs: 300 });
    const bob = await connectClient(t.wsUrl, 'bob');
    const bobInbox = inbox(bob);
    const aliceStates = record(alice, 'state');
    const warmUp = await alice.send('bob', 'fill the pool');

    // the message reaches the server and is stored, but its acknowledgement never comes back
    proxy.holdDownstream();
    const { id } = await alice.send('bob', 'ack lost');
    expect(aliceStates.map((s) => s.state)).toContain('reconnecting');
    await bobInbox.until(2);
    expect(bobInbox.messages.map((m) => [m.chatMsg.id, m.chatMsg.message])).toEqual([
      [warmUp.id, 'fill the pool'],
      [id, 'ack lost'],
    ]);
    const stored: string[] = [];
    for await (const page of bob.history({ with: 'alice' })) stored.unshift(...page.map((e) => e.chatMsg.id));
    expect(stored).toEqual([warmUp.id, id]);
  });

  it('loses and repeats nothing when a confirmation is lost, thanks to its sync cursor', async () => {
    const t = await startTestServer();
    const proxy = await startProxy(t.server.port);
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(proxy.wsUrl, 'bob');
    const bobInbox = inbox(bob);
    const duplicates = record(bob, 'duplicate');

    // bob's confirmation of the next message never reaches the server...
    proxy.holdUpstream();
    const once = await alice.send('bob', 'only once');
    await bobInbox.until(1);
    // ...but the reconnect carries bob's cursor: the server neither replays it nor keeps it pending
    const back = nextEvent(bob, 'state', (s) => s.state === 'connected');
    proxy.dropAll();
    await back;
    const marker = await alice.send('bob', 'marker');
    await bobInbox.until(2);
    expect(bobInbox.messages.map((m) => m.chatMsg.id)).toEqual([once.id, marker.id]);
    expect(duplicates).toEqual([]);
    const other = await connectClient(t.wsUrl, 'bob'); // a device without a cursor: nothing pending
    const otherInbox = inbox(other);
    const last = await alice.send('bob', 'last');
    await otherInbox.until(1);
    expect(otherInbox.messages.map((m) => m.chatMsg.id)).toEqual([last.id]);
  });
});
