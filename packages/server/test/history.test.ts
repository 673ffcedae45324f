import { describe, expect, it } from 'vitest';
import type { Frame, TestClient } from './helpers/test-client.js';
import { textFrame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

/** Sends `n` messages from `from` to `to` and waits for every acknowledgement. Returns their ids. */
async function sendMany(from: TestClient, to: string, n: number, label = 'm'): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < n) ids.push(...(await from.ids()));
  ids.length = n;
  for (const [i, id] of ids.entries()) from.send(textFrame(from.userId!, to, id, `${label}${i}`));
  for (const id of ids) await from.next((f) => f.action === '4' && f.chatMsg.id === id);
  return ids;
}

async function page(c: TestClient, q: Record<string, unknown>) {
  return c.request({ action: '12', fromId: c.userId, ...q });
}

describe('history (action 12)', () => {
  it('is empty for a new user, with and without toId', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    expect(await page(a, {})).toEqual({ action: '12', fromId: 'alice', historyMsgs: [] });
    expect(await page(a, { toId: 'bob' })).toEqual({
      action: '12',
      fromId: 'alice',
      toId: 'bob',
      historyMsgs: [],
    });
  });

  it('returns a conversation shorter than a page, oldest first, in both directions', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    const [x] = await sendMany(a, 'bob', 1, 'a');
    const [y] = await sendMany(b, 'alice', 1, 'b');
    const h = await page(a, { toId: 'bob' });
    expect(h.historyMsgs.map((e: { chatMsg: { id: string } }) => e.chatMsg.id)).toEqual([x, y]);
    expect(h.historyMsgs[0]).toMatchObject({
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { message: 'a0', type: 0, status: 1 },
    });
    expect(h.historyMsgs[1]).toMatchObject({ fromId: 'bob', toId: 'alice', chatMsg: { message: 'b0' } });
    // both see the same conversation; `seq` is each reader's own timeline position, on what it received
    const bobs = (await page(b, { toId: 'alice' })).historyMsgs;
    const withoutSeq = (entries: { chatMsg: { seq?: number } }[]) =>
      entries.map((e) => ({ ...e, chatMsg: { ...e.chatMsg, seq: undefined } }));
    expect(withoutSeq(bobs)).toEqual(withoutSeq(h.historyMsgs));
    expect(h.historyMsgs.map((e: { chatMsg: { seq?: number } }) => e.chatMsg.seq)).toEqual([undefined, 2]);
    expect(bobs.map((e: { chatMsg: { seq?: number } }) => e.chatMsg.seq)).toEqual([1, undefined]);
  });

  it('pages backwards in exact pages to the first message', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    await t.connect('bob');
    const ids = await sendMany(a, 'bob', 45);
    const first = await page(a, { toId: 'bob' });
    expect(first.historyMsgs.map((e: { chatMsg: { id: string } }) => e.chatMsg.id)).toEqual(ids.slice(25)); // default 20
    const seen: string[] = [];
    let base: string | undefined;
    for (;;) {
      const p = await page(a, { toId: 'bob', pageSize: 15, ...(base && { baseMsgId: base }) });
      const pageIds = p.historyMsgs.map((e: { chatMsg: { id: string } }) => e.chatMsg.id);
      if (pageIds.length === 0) break;
      expect(pageIds.length).toBe(15);
      seen.unshift(...pageIds);
      base = pageIds[0];
    }
    expect(seen).toEqual(ids);
  });

  it('caps pageSize at 100', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    await t.connect('bob');
    const ids = await sendMany(a, 'bob', 105);
    const p = await page(a, { toId: 'bob', pageSize: 1000 });
    expect(p.historyMsgs).toHaveLength(100);
    expect(p.historyMsgs[99].chatMsg.id).toBe(ids[104]);
  });

  it('spans all conversations without toId, and hides other pairs', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    const c = await t.connect('carol');
    const [ab] = await sendMany(a, 'bob', 1, 'ab');
    const [bc] = await sendMany(b, 'carol', 1, 'bc');
    const [ca] = await sendMany(c, 'alice', 1, 'ca');
    const ids = (h: Frame) => h.historyMsgs.map((e: Frame) => e.chatMsg.id);
    expect(ids(await page(a, {}))).toEqual([ab, ca]);
    expect(ids(await page(b, {}))).toEqual([ab, bc]);
    expect(ids(await page(a, { toId: 'carol' }))).toEqual([ca]);
    expect(ids(await page(a, { toId: 'bob' }))).toEqual([ab]);
    // a base id from someone else's conversation is not found
    expect(await a.request({ action: '12', fromId: 'alice', baseMsgId: bc }, '0')).toMatchObject({
      action: '0',
      code: 'NOT_FOUND',
    });
    // paging the all-conversations view
    expect(ids(await page(a, { baseMsgId: ca }))).toEqual([ab]);
  });

  it('answers NOT_FOUND for an unknown base id and BAD_REQUEST for a bad page size', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    for (const baseMsgId of ['MSG000999', 'nonsense']) {
      expect(await a.request({ action: '12', fromId: 'alice', baseMsgId }, '0')).toMatchObject({
        code: 'NOT_FOUND',
        ref: { action: '12' },
      });
    }
    for (const pageSize of [0, -1, 1.5, '10']) {
      expect(await a.request({ action: '12', fromId: 'alice', pageSize }, '0')).toMatchObject({
        code: 'BAD_REQUEST',
      });
    }
  });

  it('shows current statuses', async () => {
    const t = await startTestServer();
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    const [m1, m2] = await sendMany(a, 'bob', 2);
    b.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m1, status: 2 } });
    await a.nextAction('4');
    const h = await page(b, { toId: 'alice' });
    expect(
      h.historyMsgs.map((e: { chatMsg: { id: string; status: number } }) => [e.chatMsg.id, e.chatMsg.status]),
    ).toEqual([
      [m1, 2],
      [m2, 1],
    ]);
  });
});
