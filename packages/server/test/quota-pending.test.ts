import { describe, expect, it } from 'vitest';
import { type Frame, type TestClient, textFrame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

/** Sends a stored message and returns its acknowledgement or its error frame. */
async function send(c: TestClient, toId: string, id: string, message = 'hi'): Promise<Frame> {
  c.send(textFrame(c.userId!, toId, id, message));
  return c.next((f) => (f.action === '4' && f.chatMsg?.id === id) || (f.action === '0' && f.ref?.id === id));
}

describe('pending messages per recipient', () => {
  it('refuses messages to a recipient whose backlog is full with RECIPIENT_FULL, never acked', async () => {
    const t = await startTestServer({ maxPendingMessages: 3 });
    await (await t.connect('bob')).close();
    const a = await t.connect('alice');
    const ids = await a.ids();
    for (const id of ids.slice(0, 3)) expect((await send(a, 'bob', id)).action).toBe('4');
    expect(await send(a, 'bob', ids[3]!)).toMatchObject({ action: '0', code: 'RECIPIENT_FULL' });
    // others are not affected
    await (await t.connect('carol')).close();
    expect((await send(a, 'carol', ids[4]!)).action).toBe('4');
    const b = await t.connect('bob', { confirms: true }); // pending until it confirms
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push((await b.nextAction('3')).chatMsg.id);
    expect(got).toEqual(ids.slice(0, 3));
    expect(await b.drain()).toEqual([]); // the refused message was never stored
    b.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: got[0], status: 1 } });
    await b.drain();
    // a confirmation makes room; the refused id is still alice's to use
    expect((await send(a, 'bob', ids[3]!)).action).toBe('4');
    expect((await b.nextAction('3')).chatMsg.id).toBe(ids[3]);
    expect(await send(a, 'bob', ids[5]!)).toMatchObject({ code: 'RECIPIENT_FULL' });
  });
});
