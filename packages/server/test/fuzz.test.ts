import { describe, expect, it } from 'vitest';
import { hostileFrame, rng } from './helpers/fuzz-frames.js';
import type { Frame, TestClient } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

const CONNECTIONS = 40;
const FRAMES_EACH = 260; // 10,400 frames in all

describe('fuzz: hostile frames at a live server', () => {
  it('answers every frame, stays up, and leaves other users untouched', async () => {
    const t = await startTestServer({ framesPerSecond: 0, userFramesPerSecond: 0, idBatchesPerMinute: 0 });
    // alice and bob have a conversation that the fuzzers must not disturb
    const a = await t.connect('alice');
    const b = await t.connect('bob');
    for (let i = 0; i < 5; i++) await a.say('bob', `before ${i}`);
    for (const u of ['carol', 'dave']) await (await t.connect(u)).close(); // the fuzzers' targets exist
    const snapshot = async (c: TestClient) => ({
      history: await c.request({ action: '12', fromId: c.userId, pageSize: 100 }),
      contacts: await c.request({ action: '11', fromId: c.userId }),
    });
    const before = [await snapshot(a), await snapshot(b)];
    await a.close();
    await b.close();

    let frames = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, n) => {
        const me = `fuzz${n}`;
        const c = await t.client();
        c.userId = me;
        // half the connections connect first, so frames reach every handler; the rest stay unconnected
        if (n % 2 === 0) await c.connect(me);
        const r = rng(1000 + n);
        const sent: string[] = [];
        for (let i = 0; i < FRAMES_EACH; i++) {
          const text = hostileFrame(r, me);
          sent.push(text);
          c.send(text);
        }
        frames += sent.length;
        // one reply per frame (anything but a delivery addressed to this user)
        const replies: Frame[] = [];
        while (replies.length < sent.length) {
          const f = await c.next((x) => x.action !== '3', 10_000);
          replies.push(f);
        }
        expect(replies.filter((f) => f.action === 'closed')).toEqual([]);
        expect((await c.drain()).filter((f) => f.action !== '3')).toEqual([]);
        for (const f of replies) {
          if (f.action === '0') expect(typeof f.code).toBe('string');
        }
        await c.close();
      }),
    );
    expect(frames).toBeGreaterThanOrEqual(10_000);

    // the server is alive and serves a normal client
    const a2 = await t.connect('alice');
    const b2 = await t.connect('bob');
    const after = [await snapshot(a2), await snapshot(b2)];
    expect(after).toEqual(before);
    const m = await a2.say('bob', 'after the storm');
    expect(m.ack.action).toBe('4');
    expect(({} as Frame).polluted).toBeUndefined();
  });

  it('closes as documented on binary, oversized and invalid UTF-8 frames', async () => {
    const t = await startTestServer({ maxFrameBytes: 4096 });
    const cases: [(c: TestClient) => void, number][] = [
      [(c) => c.ws.send(Buffer.from([1, 2, 3]), { binary: true }), 1003],
      [(c) => c.send(`{"action":"5","pad":"${'x'.repeat(5000)}"}`), 1009],
      [(c) => c.send(`{"action":"5","pad":"${'x'.repeat(50_000)}"}`), 1009],
      [(c) => c.ws.send(Buffer.from([0x22, 0xc3, 0x28, 0x22]), { binary: false }), 1007],
    ];
    for (const [send, code] of cases) {
      const c = await t.client();
      send(c);
      expect((await c.closed).code).toBe(code);
    }
    expect((await t.connect('alice')).userId).toBe('alice');
  });
});
