import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers/test-server.js';

/** Many clients write `"action": 1` for `"1"`: the server takes the number and replies with strings. */
describe('numeric actions', () => {
  it('connect, ids, message, confirm and read, heartbeat, contacts, history with number actions', async () => {
    const t = await startTestServer();
    const b = await t.client();
    b.send({ action: 1, fromId: 'bob', confirms: true });
    expect(await b.next()).toEqual({ action: '1', toId: 'bob' });
    const a = await t.client();
    a.send({ action: 1, fromId: 'alice' });
    expect(await a.next()).toEqual({ action: '1', toId: 'alice' });

    a.send({ action: 2, fromId: 'alice' });
    const ids = await a.nextAction('2');
    expect(ids.toId).toBe('alice');
    const [id1, id2] = String(ids.chatMsg.message).split(',');

    for (const id of [id1, id2]) {
      a.send({
        action: 3,
        fromId: 'alice',
        toId: 'bob',
        chatMsg: { id, type: 0, message: `m ${id}`, status: 0 },
      });
      expect(await a.next()).toMatchObject({
        action: '4',
        fromId: 'bob',
        toId: 'alice',
        chatMsg: { id, status: 1 },
      });
      expect(await b.next()).toMatchObject({
        action: '3',
        fromId: 'alice',
        chatMsg: { id, message: `m ${id}` },
      });
    }

    // status 1 (confirm) and status 2 (read receipt, forwarded with a string action)
    b.send({ action: 4, fromId: 'bob', toId: 'alice', chatMsg: { id: id1, status: 1 } });
    b.send({ action: 4, fromId: 'bob', toId: 'alice', chatMsg: { id: id2, status: 2 } });
    expect(await a.next()).toEqual({
      action: '4',
      fromId: 'bob',
      toId: 'alice',
      chatMsg: { id: id2, status: 2 },
    });

    b.send({ action: 5, fromId: 'bob' });
    expect(await b.next()).toEqual({ action: '5', toId: 'bob' });

    a.send({ action: 11, fromId: 'alice' });
    expect(await a.next()).toEqual({ action: '11', toId: 'alice', contacts: [] });

    a.send({ action: 12, fromId: 'alice', toId: 'bob' });
    const h = await a.next();
    expect(h).toMatchObject({ action: '12', fromId: 'alice', toId: 'bob' });
    expect(
      h.historyMsgs.map((e: { chatMsg: { id: string; status: number } }) => [e.chatMsg.id, e.chatMsg.status]),
    ).toEqual([
      [id1, 1],
      [id2, 2],
    ]);

    // bob confirmed both (status 1, status 2): nothing comes again
    await b.close();
    const b2 = await t.client();
    b2.send({ action: 1, fromId: 'bob', confirms: true });
    expect(await b2.next()).toEqual({ action: '1', toId: 'bob' });
    expect(await b2.drain()).toEqual([]);
  });
});
