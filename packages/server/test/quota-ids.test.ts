import { describe, expect, it } from 'vitest';
import { manualClock } from './helpers/manual-clock.js';
import { type Frame, type TestClient, textFrame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

/** Sends a stored message and returns its acknowledgement or its error frame. */
async function send(c: TestClient, toId: string, id: string, message = 'hi'): Promise<Frame> {
  c.send(textFrame(c.userId!, toId, id, message));
  return c.next((f) => (f.action === '4' && f.chatMsg?.id === id) || (f.action === '0' && f.ref?.id === id));
}

describe('id reservations', () => {
  it('refuses an id whose reservation expired with EXPIRED_MSG_ID', async () => {
    const clock = manualClock();
    const t = await startTestServer({ reservationTtlMs: 60_000 }, { clock });
    const a = await t.connect('alice');
    await t.connect('bob');
    const ids = await a.ids();
    expect((await send(a, 'bob', ids[0]!)).action).toBe('4');
    clock.advance(60_001);
    expect(await send(a, 'bob', ids[1]!)).toMatchObject({ action: '0', code: 'EXPIRED_MSG_ID' });
    // once refused (its reservation purged), it stays refused
    expect(await send(a, 'bob', ids[2]!)).toMatchObject({ code: 'EXPIRED_MSG_ID' });
    // a message already stored with an old id is still acknowledged as a retry
    expect((await send(a, 'bob', ids[0]!)).action).toBe('4');
    const fresh = await a.ids();
    expect((await send(a, 'bob', fresh[0]!)).action).toBe('4');
  });

  it('caps the unused reserved ids a user holds with QUOTA_EXCEEDED', async () => {
    const clock = manualClock();
    const t = await startTestServer(
      { reservationTtlMs: 60_000, maxReservedIds: 30, idBatchesPerMinute: 0 },
      { clock },
    );
    const a = await t.connect('alice');
    await t.connect('bob');
    const held = [...(await a.ids()), ...(await a.ids()), ...(await a.ids())];
    expect(await a.request({ action: '2', fromId: 'alice' }, '0')).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      ref: { action: '2' },
    });
    for (const id of held.slice(0, 10)) expect((await send(a, 'bob', id)).action).toBe('4');
    expect(await a.ids()).toHaveLength(10); // using ids frees room
    clock.advance(60_001); // the rest expire and no longer count
    expect(await a.ids()).toHaveLength(10);
    expect(await a.ids()).toHaveLength(10);
    expect(await a.ids()).toHaveLength(10);
    // someone else is not affected by alice's reservations
    const b = await t.connect('bob');
    expect(await b.ids()).toHaveLength(10);
  });

  it('sweeps expired reservations of users who never ask again, in bounded passes', async () => {
    const clock = manualClock();
    const t = await startTestServer({ reservationTtlMs: 60_000 }, { clock });
    const a = await t.connect('alice');
    for (let i = 0; i < 3; i++) await a.ids();
    expect(await t.server.core.purgeExpired()).toBe(0); // nothing expired yet
    clock.advance(60_001);
    // a pass drops at most purgeBatch reservation rows: one per batch of ids on SQLite
    t.server.core.config.purgeBatch = 2;
    expect(await t.server.core.purgeExpired()).toBe(20);
    expect(await t.server.core.purgeExpired()).toBe(10);
    expect(await t.server.core.purgeExpired()).toBe(0);
  });
});
