import { describe, expect, it } from 'vitest';
import type { Session } from '../src/core/session.js';
import { GatedStore } from './helpers/gated-store.js';
import { type TestClient, textFrame } from './helpers/test-client.js';
import { startTestServer, type TestServer, tempDir } from './helpers/test-server.js';
import { closedWithin, waitFor } from './helpers/wait-for.js';

const NO_RATE_LIMITS = { framesPerSecond: 0, userFramesPerSecond: 0, idBatchesPerMinute: 0 };

async function gatedServer(config: Parameters<typeof startTestServer>[0] = {}) {
  const dir = tempDir();
  const store = new GatedStore({ dataDir: dir });
  const t = await startTestServer({ ...NO_RATE_LIMITS, ...config }, { store }, dir);
  return { t, store };
}

/** Sends action 1 as `userId` without waiting for anything. */
async function startConnect(t: TestServer, userId: string): Promise<TestClient> {
  const c = await t.client();
  c.userId = userId;
  c.send({ action: '1', fromId: userId });
  return c;
}

function sessionOf(t: TestServer, userId: string): Session {
  const [session] = t.server.core.router.sessionsOf(userId);
  if (!session) throw new Error(`${userId} has no session`);
  return session;
}

/** Messages from alice to `to`, acknowledged; their ids. */
async function sendMany(a: TestClient, to: string, batches: number, body: string): Promise<string[]> {
  const sent: string[] = [];
  for (let i = 0; i < batches; i++) {
    const ids = await a.ids();
    for (const id of ids) a.send(textFrame('alice', to, id, body));
    await a.next((f) => f.action === '4' && f.chatMsg.id === ids[ids.length - 1]);
    sent.push(...ids);
  }
  return sent;
}

/** Connects as `userId` and collects `count` distinct messages. */
async function receiveAll(t: TestServer, userId: string, count: number): Promise<string[]> {
  const c = await t.connect(userId);
  const got = new Set<string>();
  while (got.size < count) got.add((await c.nextAction('3')).chatMsg.id);
  return [...got];
}

describe('backlog replay', () => {
  it('stops reading a connection whose frames pile up behind its replay, and resumes after', async () => {
    const { t, store } = await gatedServer({ maxQueuedFrames: 8 });
    const hold = store.hold('bob');
    const b = await startConnect(t, 'bob');
    await hold.reached;
    const session = sessionOf(t, 'bob');
    const n = 2000;
    const pad = 'x'.repeat(1000); // unknown fields are dropped; they make the frames big
    for (let i = 0; i < n; i++) b.send({ action: '5', fromId: 'bob', pad });
    await waitFor(() => session.readingPaused, 'the server to stop reading bob');
    // what was read before the pause took effect: at most about one socket read (64 KiB)
    expect(session.queuedFrames).toBeLessThan(8 + 100);
    hold.release();
    for (let i = 0; i < n; i++) await b.nextAction('5');
    expect(session.readingPaused).toBe(false);
    expect(session.queuedFrames).toBe(0);
  });

  it('drops a connection whose replay makes no progress; the backlog stays for the next connect', async () => {
    const t = await startTestServer({
      ...NO_RATE_LIMITS,
      replayStallMs: 200,
      maxBufferedBytes: 64 * 1024,
      maxMessageBytes: 60_000,
    });
    await (await t.connect('bob')).close();
    const a = await t.connect('alice');
    const sent = await sendMany(a, 'bob', 40, 'x'.repeat(50_000)); // 20 MB: more than socket buffers hold
    const b = await startConnect(t, 'bob');
    b.pauseReading();
    await waitFor(() => t.server.core.router.sessionsOf('bob').size === 1, 'bob to connect');
    await waitFor(() => t.server.core.router.sessionsOf('bob').size === 0, 'bob to be dropped');
    b.pauseReading(false);
    expect(await closedWithin(b, 3000)).toBe(1006);
    expect((await receiveAll(t, 'bob', sent.length)).sort()).toEqual([...sent].sort());
  });

  it('closes a session whose replay fails with INTERNAL; the backlog stays for the next connect', async () => {
    const { t, store } = await gatedServer();
    await (await t.connect('bob')).close();
    const a = await t.connect('alice');
    const sent = await sendMany(a, 'bob', 1, 'hello');
    store.failing.add('bob');
    const b = await startConnect(t, 'bob');
    expect(await b.nextAction('1')).toEqual({ action: '1', toId: 'bob' });
    expect(await b.nextAction('0')).toMatchObject({ code: 'INTERNAL', error: /backlog/ });
    expect(await closedWithin(b, 3000)).toBe(1011);
    expect(t.server.core.router.sessionsOf('bob').size).toBe(0);
    store.failing.delete('bob');
    expect((await receiveAll(t, 'bob', sent.length)).sort()).toEqual([...sent].sort());
  });

  it('closes a connection whose live deliveries overflow while its replay is held up', async () => {
    const { t, store } = await gatedServer({ maxBufferedBytes: 64 * 1024 });
    const a = await t.connect('alice');
    const hold = store.hold('bob');
    const b = await startConnect(t, 'bob');
    await hold.reached;
    const sent = await sendMany(a, 'bob', 1, 'x'.repeat(15_000)); // 150 KB held for bob
    expect(await closedWithin(b, 3000)).toBe(1013);
    hold.release();
    expect((await receiveAll(t, 'bob', sent.length)).sort()).toEqual([...sent].sort());
  });
});
