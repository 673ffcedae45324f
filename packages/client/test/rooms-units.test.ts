/** Chat rooms without a server: joining with the recent window, rejoining after a reconnect, leaving. */
import type { HistoryEntry } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { Rooms } from '../src/rooms.js';
import { SeenIds } from '../src/seen-ids.js';
import type { ClientEvents, InboundFrame, OutboundFrame } from '../src/types.js';
import { entry } from './group-fixtures.js';

describe('rooms', () => {
  function rooms(recent: () => HistoryEntry[]) {
    const events: { event: keyof ClientEvents; payload: unknown }[] = [];
    const asked: { frame: OutboundFrame; resend: boolean }[] = [];
    const seen = new SeenIds(100);
    const r = new Rooms({
      userId: 'bob',
      ask: async (frame, opts) => {
        asked.push({ frame, resend: opts.resend });
        return (
          frame.action === '18'
            ? { action: '18', toId: 'bob', room: (frame as { toId: string }).toId, recent: recent() }
            : { action: '19', toId: 'bob', room: (frame as { toId: string }).toId }
        ) as InboundFrame;
      },
      seen,
      sentByMe: (id) => id === 'MSG000009',
      emit: (event, payload) => events.push({ event, payload }),
    });
    return { r, events, asked, seen };
  }

  it('joins with the recent window, rejoins after a reconnect and shows only what was missed', async () => {
    let window = [entry('MSG000001', undefined, '!lobby')];
    const t = rooms(() => window);
    expect(await t.r.join('!lobby')).toEqual(window);
    expect(t.r.list).toEqual(['!lobby']);
    window = [...window, entry('MSG000008', undefined, '!lobby'), entry('MSG000009', undefined, '!lobby')];
    t.r.rejoinAll();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(t.asked.map((a) => [a.frame, a.resend])).toEqual([
      [{ action: '18', fromId: 'bob', toId: '!lobby' }, true],
      [{ action: '18', fromId: 'bob', toId: '!lobby' }, false],
    ]);
    expect(t.events.map((e) => e.event)).toEqual(['roomJoined', 'roomJoined', 'message']);
    expect(t.events[1]!.payload).toMatchObject({ room: '!lobby', rejoined: true, recent: window });
    // MSG000001 was in the first window, MSG000009 is this client's own
    expect(t.events[2]!.payload).toMatchObject({
      chatMsg: { id: 'MSG000008' },
      kind: 'room',
      conversationId: '!lobby',
    });

    await t.r.leave('!lobby');
    expect(t.r.list).toEqual([]);
    t.r.rejoinAll();
    expect(t.asked.at(-1)!.frame).toEqual({ action: '19', fromId: 'bob', toId: '!lobby' });
  });
});
