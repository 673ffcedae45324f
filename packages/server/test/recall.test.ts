import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers/test-server.js';
import { waitFor } from './helpers/wait-for.js';

const recallFrame = (fromId: string, toId: string, id: string) => ({
  action: '6',
  fromId,
  toId,
  chatMsg: { id },
});

describe('recall (action 6)', () => {
  it('erases a message live: echo to the sender, notice to the recipient, recalled in history', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    const m = await a.say('bob', 'oops, wrong chat');
    expect((await b.nextAction('3')).chatMsg.id).toBe(m.id);
    a.send(recallFrame('alice', 'bob', m.id));
    expect(await a.nextAction('6')).toEqual(recallFrame('alice', 'bob', m.id));
    expect(await b.nextAction('6')).toEqual(recallFrame('alice', 'bob', m.id));
    for (const c of [a, b]) {
      const h = await c.request({
        action: '12',
        fromId: c.userId,
        toId: c.userId === 'alice' ? 'bob' : 'alice',
      });
      expect(h.historyMsgs[0].chatMsg).toMatchObject({ id: m.id, message: '', recalled: true });
    }
    // recalling again just confirms again, and tells nobody anything new
    a.send(recallFrame('alice', 'bob', m.id));
    expect(await a.nextAction('6')).toEqual(recallFrame('alice', 'bob', m.id));
    expect(await b.drain()).toEqual([]);
  });

  it('tells an offline recipient at its next connect, and no longer replays the erased message', async () => {
    const t = await startTestServer();
    await (await t.connect('bob')).close();
    const a = await t.connect('alice');
    const keep = await a.say('bob', 'keep this');
    const gone = await a.say('bob', 'secret');
    a.send(recallFrame('alice', 'bob', gone.id));
    await a.nextAction('6');
    const b = await t.connect('bob');
    const backlog = await b.drain();
    expect(backlog.map((f) => [f.action, f.chatMsg.id])).toEqual([
      ['3', keep.id],
      ['6', gone.id],
    ]);
    expect(JSON.stringify(backlog)).not.toContain('secret');
  });

  it('refuses recalls by anyone but the sender, of unknown messages, and after the window', async () => {
    const t = await startTestServer({ recallWindowMs: 50 });
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    const c = await t.connect('carol');
    const m = await a.say('bob', 'hello');
    const cases: [typeof a, ReturnType<typeof recallFrame>, string][] = [
      [b, recallFrame('bob', 'alice', m.id), 'FORBIDDEN'],
      [c, recallFrame('carol', 'bob', m.id), 'NOT_FOUND'],
      [a, recallFrame('alice', 'carol', m.id), 'NOT_FOUND'],
      [a, recallFrame('alice', 'bob', 'MSG424242'), 'NOT_FOUND'],
      [a, recallFrame('alice', 'bob', 'not-an-id'), 'NOT_FOUND'],
    ];
    for (const [client, frame, code] of cases) {
      expect(await client.request(frame, '0')).toMatchObject({
        code,
        ref: { action: '6', id: frame.chatMsg.id },
      });
    }
    await waitFor(() => Date.now() > m.ack.chatMsg.ts + 50, 'the recall window to pass');
    expect(await a.request(recallFrame('alice', 'bob', m.id), '0')).toMatchObject({ code: 'RECALL_EXPIRED' });
    const h = await a.request({ action: '12', fromId: 'alice', toId: 'bob' });
    expect(h.historyMsgs[0].chatMsg).toMatchObject({ message: 'hello' });
    expect(h.historyMsgs[0].chatMsg.recalled).toBeUndefined();
  });
});
