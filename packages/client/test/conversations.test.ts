/** The conversation list against a real server (docs/protocol.md, action 17) and unread counts. */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../server/test/helpers/test-server.js';
import { connectClient, inbox, nextEvent, record } from './helpers.js';

describe('conversation list', () => {
  it('lists 1:1 and group conversations newest first with unread counts that reads lower', async () => {
    const t = await startTestServer();
    const alice = await connectClient(t.wsUrl, 'alice');
    const bob = await connectClient(t.wsUrl, 'bob');
    const carol = await connectClient(t.wsUrl, 'carol');
    const bobInbox = inbox(bob);
    const unreadChanges = record(bob, 'unread');
    const group = await alice.createGroup('Trip', ['bob']);
    await carol.send('bob', 'c1');
    await carol.send('bob', 'c2');
    const g = [
      await alice.send(group.id, 'g1'),
      await alice.send(group.id, 'g2'),
      await alice.send(group.id, 'g3'),
    ];
    await bobInbox.until(5);
    expect(bob.unread(group.id)).toBe(3);
    expect(bob.unread('carol')).toBe(2);
    expect(unreadChanges.at(-1)).toEqual({ conversationId: group.id, unread: 3 });

    const page = await bob.conversations();
    expect(page.conversations.map((c) => [c.id, c.kind, c.unread])).toEqual([
      [group.id, 'group', 3],
      ['carol', 'user', 2],
    ]);
    expect(page.conversations[0]!.name).toBe('Trip');
    expect(page.conversations[0]!.last?.chatMsg.id).toBe(g[2]!.id);
    expect(page.conversations[1]!.last?.chatMsg.message).toBe('c2');
    expect(page.next).toBeUndefined();

    // bob reads up to the second group message and the last 1:1 message
    const groupRead = nextEvent(alice, 'groupRead');
    const carolRead = nextEvent(carol, 'status', (s) => s.status === 2);
    bob.markRead(bobInbox.messages.find((m) => m.chatMsg.id === g[1]!.id)!);
    bob.markRead(bobInbox.messages.find((m) => m.chatMsg.message === 'c2')!);
    expect(bob.unread(group.id)).toBe(1);
    expect(bob.unread('carol')).toBe(0);
    await groupRead; // the server moved bob's read position before telling the sender
    await carolRead;
    const after = await bob.conversations();
    expect(after.conversations.map((c) => [c.id, c.unread])).toEqual([
      [group.id, 1],
      ['carol', 0],
    ]);

    // one at a time: next leads to the following page, until there is none
    const ids: string[] = [];
    let before: string | undefined;
    do {
      const p = await bob.conversations({ pageSize: 1, ...(before !== undefined && { before }) });
      expect(p.conversations.length).toBeLessThanOrEqual(1);
      ids.push(...p.conversations.map((c) => c.id));
      before = p.next;
    } while (before !== undefined);
    expect(ids).toEqual([group.id, 'carol']);
  });
});
