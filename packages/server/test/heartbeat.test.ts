import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers/test-server.js';
import { waitFor } from './helpers/wait-for.js';

describe('heartbeat (action 5)', () => {
  it('closes a connection that stays silent for 3 intervals with 4408', async () => {
    const t = await startTestServer({ heartbeatIntervalMs: 50 });
    const silent = await t.connect('alice');
    const closed = await silent.closed;
    expect(closed.code).toBe(4408);
  });

  it('keeps a connection that sends heartbeats open past the silence limit', async () => {
    const t = await startTestServer({ heartbeatIntervalMs: 50 });
    const c = await t.connect('alice');
    const silent = await t.connect('bob');
    let beats = 0;
    // keep beating until the silent connection has been closed, which takes over 3 intervals
    const closedSilent = silent.closed;
    let done = false;
    void closedSilent.then(() => {
      done = true;
    });
    while (!done) {
      c.send({ action: '5', fromId: 'alice' });
      expect(await c.nextAction('5')).toEqual({ action: '5', toId: 'alice' });
      beats++;
      await new Promise((r) => setTimeout(r, 20)); // a client's heartbeat period, not a wait for the server
    }
    expect(beats).toBeGreaterThan(3);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    expect((await closedSilent).code).toBe(4408);
  });

  it('drops a connection that stops answering WebSocket pings', async () => {
    const t = await startTestServer({ heartbeatIntervalMs: 100 });
    const c = await t.connect('alice');
    // simulate a half-open peer: the client stops reading (and so stops answering pings) but keeps
    // sending app frames, so that only the missing pong can get it dropped
    const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const beat = setInterval(() => c.send({ action: '5', fromId: 'alice' }), 20);
    try {
      await waitFor(() => t.server.core.sessionCount === 0, 'the server to drop the connection');
    } finally {
      clearInterval(beat);
      socket.resume();
    }
    expect((await c.closed).code).toBe(1006); // terminated, no close frame
  });

  it('drops a client that does not read even if it sends pongs nobody asked for', async () => {
    const t = await startTestServer({ heartbeatIntervalMs: 100 });
    const c = await t.connect('alice');
    c.pauseReading(); // it never sees the server's pings...
    const beat = setInterval(() => {
      c.send({ action: '5', fromId: 'alice' });
      c.ws.pong(); // ...but answers them blindly
    }, 20);
    try {
      await waitFor(() => t.server.core.sessionCount === 0, 'the server to drop the connection');
    } finally {
      clearInterval(beat);
      c.pauseReading(false);
    }
    expect((await c.closed).code).toBe(1006);
  });

  it('keeps heartbeating clients after the process was paused for several intervals', async () => {
    const t = await startTestServer({ heartbeatIntervalMs: 50 });
    const c = await t.connect('alice');
    const beat = async () => {
      c.send({ action: '5', fromId: 'alice' });
      await c.nextAction('5');
    };
    for (let i = 0; i < 3; i++) await beat();
    // the event loop stalls for 5 intervals, as after SIGSTOP or a long GC pause
    const until = Date.now() + 250;
    while (Date.now() < until) {
      // busy
    }
    // heartbeat on for several more intervals: the connection must survive the late sweep and
    // the ones after it
    const end = Date.now() + 300;
    while (Date.now() < end) {
      await beat();
      await new Promise((r) => setTimeout(r, 20)); // a client's heartbeat period, not a wait for the server
    }
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });
});
