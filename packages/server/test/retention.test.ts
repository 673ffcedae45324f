import { describe, expect, it } from 'vitest';
import { admin } from './helpers/admin.js';
import { manualClock } from './helpers/manual-clock.js';
import { freshSchema, PG_URL } from './helpers/postgres.js';
import type { Frame } from './helpers/test-client.js';
import { startTestServer } from './helpers/test-server.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const backends = [
  { name: 'SQLite', config: () => ({}) },
  { name: 'PostgreSQL', config: () => ({ databaseUrl: PG_URL, databaseSchema: freshSchema() }) },
];

describe.each(backends)('data retention ($name)', (backend) => {
  it('drops old pending deliveries (history keeps them), then old messages and files, and nothing newer', async () => {
    const clock = manualClock(Date.now());
    const t = await startTestServer(
      { ...backend.config(), retentionPendingMs: HOUR, retentionMessagesMs: DAY, retentionFilesMs: DAY },
      { clock },
    );
    const url = t.server.url;
    for (const id of ['alice', 'bob', 'carol']) await admin(url, 'PUT', `/v1/users/${id}`, { name: id });
    await admin(url, 'POST', '/v1/groups', { id: '~g', name: 'G', ownerId: 'alice', members: ['bob'] });
    const send = async (fromId: string, toId: string, message: string) =>
      (await admin(url, 'POST', '/v1/messages', { fromId, toId, message })).body.id as string;
    const upload = async (body: string) => {
      const res = await fetch(`${url}/files?name=a.txt`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain' },
      });
      return ((await res.json()) as { url: string }).url;
    };
    const oldToBob = await send('alice', 'bob', 'old, bob was away');
    const oldToCarol = await send('alice', 'carol', 'the only message to carol');
    const oldInGroup = await send('alice', '~g', 'old in the group');
    const oldFile = await upload('old file');
    expect(await t.server.retention.sweep()).toEqual({ messages: 0, pending: 0, files: 0 });

    // two hours on: the deliveries waited too long; the messages stay in history
    clock.advance(2 * HOUR);
    const recentToBob = await send('alice', 'bob', 'recent');
    expect(await t.server.retention.sweep()).toEqual({ messages: 0, pending: 2, files: 0 });
    const bob = await t.connect('bob');
    const backlog = (await bob.drain()).filter((f) => f.action === '3');
    expect(backlog.map((f) => f.chatMsg.id)).toEqual([recentToBob, oldInGroup]);
    const h = await bob.request({ action: '12', fromId: 'bob', toId: 'alice' });
    expect(h.historyMsgs.map((e: Frame) => e.chatMsg.id)).toEqual([oldToBob, recentToBob]);

    // a day on: the messages and the file of then are gone, the recent ones are not
    const newFile = await upload('new file');
    clock.advance(DAY - HOUR);
    expect(await t.server.retention.sweep()).toEqual({ messages: 3, pending: 0, files: 1 });
    const h2 = await bob.request({ action: '12', fromId: 'bob', toId: 'alice' });
    expect(h2.historyMsgs.map((e: Frame) => e.chatMsg.id)).toEqual([recentToBob]);
    const g = await bob.request({ action: '12', fromId: 'bob', toId: '~g' });
    expect(g.historyMsgs.map((e: Frame) => e.event?.type ?? e.chatMsg.id)).toEqual(['created']);
    expect((await fetch(oldFile)).status).toBe(404);
    expect((await fetch(newFile)).status).toBe(200);
    // the conversation list: a conversation whose messages are all gone lists no last message
    const alice = await t.connect('alice');
    const list = (await alice.request({ action: '17', fromId: 'alice' })).conversations as Frame[];
    expect(list.find((c) => c.id === 'carol')).toEqual(
      expect.not.objectContaining({ last: expect.anything() }),
    );
    expect(list.find((c) => c.id === 'bob')).toMatchObject({ last: { chatMsg: { id: recentToBob } } });
    const carolHistory = (await admin(url, 'GET', '/v1/users/carol/history')).body.historyMsgs as Frame[];
    expect(carolHistory.map((e) => e.chatMsg.id)).not.toContain(oldToCarol);
    expect(carolHistory).toEqual([]);
    expect(await t.server.retention.sweep()).toEqual({ messages: 0, pending: 0, files: 0 });
  });
});

describe('data retention settings', () => {
  it('keeps everything but waiting deliveries by default (7 days), and sweeps nothing when all is 0', async () => {
    const clock = manualClock(Date.now());
    const t = await startTestServer({}, { clock });
    const url = t.server.url;
    for (const id of ['alice', 'bob']) await admin(url, 'PUT', `/v1/users/${id}`, { name: id });
    const id = (await admin(url, 'POST', '/v1/messages', { fromId: 'alice', toId: 'bob', message: 'x' })).body
      .id;
    clock.advance(6 * DAY);
    expect(await t.server.retention.sweep()).toEqual({ messages: 0, pending: 0, files: 0 });
    clock.advance(DAY + 1);
    expect(await t.server.retention.sweep()).toEqual({ messages: 0, pending: 1, files: 0 });
    clock.advance(365 * DAY);
    expect(await t.server.retention.sweep()).toEqual({ messages: 0, pending: 0, files: 0 });
    expect((await admin(url, 'GET', '/v1/users/bob/history')).body.historyMsgs[0].chatMsg.id).toBe(id);
    const off = await startTestServer({ retentionPendingMs: 0 });
    expect(off.server.retention.enabled).toBe(false);
  });
});
