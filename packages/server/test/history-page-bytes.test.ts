import { describe, expect, it } from 'vitest';
import { type Frame, type TestClient, textFrame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

/** Sends a stored message and returns its acknowledgement or its error frame. */
async function send(c: TestClient, toId: string, id: string, message = 'hi'): Promise<Frame> {
  c.send(textFrame(c.userId!, toId, id, message));
  return c.next((f) => (f.action === '4' && f.chatMsg?.id === id) || (f.action === '0' && f.ref?.id === id));
}

describe('history page bytes', () => {
  const ids = (f: Frame) => f.historyMsgs.map((e: Frame) => e.chatMsg.id);

  it('cuts a page at MAX_HISTORY_PAGE_BYTES, newest kept, and paging still reaches every message', async () => {
    const t = await startTestServer({ maxHistoryPageBytes: 4096 });
    const a = await t.connect('alice');
    await t.connect('bob');
    const sent: string[] = [];
    for (let i = 0; i < 2; i++) {
      for (const id of await a.ids()) {
        expect((await send(a, 'bob', id, `${i}`.repeat(1000))).action).toBe('4');
        sent.push(id);
      }
    }
    const first = await a.request({ action: '12', fromId: 'alice', toId: 'bob', pageSize: 100 });
    expect(Buffer.byteLength(JSON.stringify(first.historyMsgs))).toBeLessThanOrEqual(4096);
    expect(ids(first)).toEqual(sent.slice(sent.length - ids(first).length));
    expect(ids(first).length).toBeGreaterThanOrEqual(2);
    const seen: string[] = [];
    let base: string | undefined;
    for (;;) {
      const p = await a.request({
        action: '12',
        fromId: 'alice',
        toId: 'bob',
        pageSize: 100,
        baseMsgId: base,
      });
      if (p.historyMsgs.length === 0) break;
      seen.unshift(...ids(p));
      base = ids(p)[0];
    }
    expect(seen).toEqual(sent);
  });

  it('always returns at least one message', async () => {
    const t = await startTestServer({ maxHistoryPageBytes: 1024 });
    const a = await t.connect('alice');
    const [x, y] = await a.ids();
    await send(a, 'alice', x!, 'a'.repeat(5000));
    await send(a, 'alice', y!, 'b'.repeat(5000));
    expect(ids(await a.request({ action: '12', fromId: 'alice' }))).toEqual([y]);
    expect(ids(await a.request({ action: '12', fromId: 'alice', baseMsgId: y }))).toEqual([x]);
  });
});
