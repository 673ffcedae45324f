import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { type Exposition, parsePrometheusText, sampleValue } from './helpers/prom-text.js';
import { textFrame } from './helpers/test-client.js';
import { startTestServer, tempDir } from './helpers/test-server.js';
import { waitFor } from './helpers/wait-for.js';

async function scrape(
  baseUrl: string,
  key?: string,
): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(`${baseUrl}/metrics`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

async function metrics(baseUrl: string, key?: string): Promise<Exposition> {
  const r = await scrape(baseUrl, key);
  expect(r.status, r.body).toBe(200);
  expect(r.type).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheusText(r.body);
}

const stored = (m: Exposition) => sampleValue(m, 'parley_messages_stored_total');
const framesIn = (m: Exposition, action: string) => sampleValue(m, 'parley_frames_in_total', { action });
const framesOut = (m: Exposition, action: string) => sampleValue(m, 'parley_frames_out_total', { action });
const errors = (m: Exposition, code: string) => sampleValue(m, 'parley_errors_total', { code });

describe('/metrics', () => {
  it('counts exactly the messages stored, frames by action, errors by code, latencies and connections', async () => {
    const s = await startTestServer();
    const a = await s.connect('A');
    const b = await s.connect('B');
    const before = await metrics(s.server.url);
    expect(before.types.get('parley_messages_stored_total')).toBe('counter');
    expect(before.types.get('parley_connections')).toBe('gauge');
    expect(before.types.get('parley_ack_latency_seconds')).toBe('histogram');
    expect(stored(before)).toBe(0);
    expect(sampleValue(before, 'parley_connections')).toBe(2);
    // process metrics, from prom-client's defaults
    expect(sampleValue(before, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

    const ids = await a.ids();
    for (let i = 0; i < 3; i++) expect((await a.say('B', `hi ${i}`, ids[i])).ack.action).toBe('4');
    // a retry is acknowledged again but stored once; refused messages are not stored
    expect((await a.say('B', 'hi 0', ids[0])).ack.action).toBe('4');
    expect((await a.say('B', 'other text', ids[1])).ack.code).toBe('DUPLICATE_ID');
    expect((await a.say('B', 'x', 'MSG999999')).ack.code).toBe('BAD_MSG_ID');
    expect((await a.say('NOBODY', 'x', ids[3])).ack.code).toBe('UNKNOWN_USER');
    a.send('not json');
    expect((await a.nextAction('0')).code).toBe('BAD_JSON');
    expect((await a.request({ action: '12', fromId: 'A', toId: 'B' })).historyMsgs).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect((await b.nextAction('3')).chatMsg.id).toBe(ids[i]);

    const after = await metrics(s.server.url);
    expect(stored(after)).toBe(3);
    expect(framesIn(after, '1')).toBe(2);
    expect(framesIn(after, '2')).toBe(1);
    expect(framesIn(after, '3')).toBe(7);
    expect(framesIn(after, '12')).toBe(1);
    expect(framesIn(after, 'invalid')).toBe(1);
    expect(framesOut(after, '3')).toBe(3); // the retry's copy is not sent again to B
    expect(framesOut(after, '4')).toBe(4);
    expect(framesOut(after, '0')).toBe(4);
    expect(framesOut(after, '12')).toBe(1);
    for (const code of ['DUPLICATE_ID', 'BAD_MSG_ID', 'UNKNOWN_USER', 'BAD_JSON'])
      expect(errors(after, code)).toBe(1);
    expect(errors(after, 'INTERNAL')).toBe(0);
    expect(sampleValue(after, 'parley_ack_latency_seconds_count')).toBe(4);
    expect(sampleValue(after, 'parley_ack_latency_seconds_bucket', { le: '+Inf' })).toBe(4);
    expect(sampleValue(after, 'parley_history_latency_seconds_count')).toBe(1);
    expect(sampleValue(after, 'parley_commit_batch_size_count')).toBeGreaterThan(0);
    // at least: two users, one id batch, six appends (three stored, one retry, two refused in the store)
    expect(sampleValue(after, 'parley_commit_batch_size_sum')).toBeGreaterThanOrEqual(9);
    // every operation of a group commit is timed twice: its wait in the queue, and the store's answer
    const ops = sampleValue(after, 'parley_commit_batch_size_sum');
    expect(sampleValue(after, 'parley_commit_wait_seconds_count')).toBe(ops);
    expect(sampleValue(after, 'parley_commit_seconds_count')).toBe(ops);
    expect(sampleValue(after, 'parley_commit_seconds_sum')).toBeGreaterThan(0);

    await b.close();
    await waitFor(
      async () => sampleValue(await metrics(s.server.url), 'parley_connections') === 1,
      'the connections gauge to go down',
    );
    await a.close();
    await waitFor(
      async () => sampleValue(await metrics(s.server.url), 'parley_connections') === 0,
      'the connections gauge to reach 0',
    );
  });

  it.runIf(process.platform === 'linux')(
    'counts open files without listing them on the event loop, and leaves out the metrics that walk every handle',
    async () => {
      const s = await startTestServer();
      const listed = vi.spyOn(fs, 'readdirSync');
      const file = path.join(tempDir(), 'open');
      fs.writeFileSync(file, '');
      const fds = Array.from({ length: 64 }, () => fs.openSync(file, 'r'));
      const open = await metrics(s.server.url);
      for (const fd of fds) fs.closeSync(fd);
      const closed = await metrics(s.server.url);
      const listings = listed.mock.calls.filter(([dir]) => String(dir).startsWith('/proc/self/fd'));
      listed.mockRestore();
      const gone = sampleValue(open, 'process_open_fds') - sampleValue(closed, 'process_open_fds');
      expect(gone).toBeGreaterThanOrEqual(60);
      expect(gone).toBeLessThanOrEqual(68);
      expect(listings).toEqual([]);
      const body = (await scrape(s.server.url)).body;
      expect(body).not.toMatch(/^nodejs_active_(handles|resources)/m);
      for (const kept of [
        'nodejs_eventloop_lag_p99_seconds',
        'process_max_fds',
        'nodejs_heap_size_used_bytes',
      ])
        expect(body).toMatch(new RegExp(`^${kept} `, 'm'));
    },
  );

  it('keeps each server in a registry of its own', async () => {
    const one = await startTestServer();
    const two = await startTestServer();
    const a = await one.connect('A');
    await one.connect('B');
    const ids = await a.ids();
    a.send(textFrame('A', 'B', ids[0]!, 'hello'));
    await a.nextAction('4');
    expect(stored(await metrics(one.server.url))).toBe(1);
    expect(stored(await metrics(two.server.url))).toBe(0);
    expect(sampleValue(await metrics(two.server.url), 'parley_connections')).toBe(0);
  });

  it("shows the size of SQLite's write-ahead log, which grows with the writes", async () => {
    // checkpoints inside commits, at SQLite's 1,000 pages: below that the log only grows (with the
    // checkpoint thread a quiet log is copied and written again from its start, the file the same size)
    const s = await startTestServer({ sqliteCheckpointMs: 0 });
    const wal = path.join(s.dataDir, 'parley.db-wal');
    const walBytes = async () => sampleValue(await metrics(s.server.url), 'parley_sqlite_wal_bytes');
    const a = await s.connect('A');
    await s.connect('B');
    expect((await metrics(s.server.url)).types.get('parley_sqlite_wal_bytes')).toBe('gauge');
    const before = await walBytes();
    expect(before).toBeLessThanOrEqual(fs.statSync(wal).size);
    const ids = await a.ids();
    for (let i = 0; i < 5; i++) expect((await a.say('B', 'x'.repeat(3000), ids[i])).ack.action).toBe('4');
    const after = await walBytes();
    expect(after).toBeGreaterThan(before);
    // the file only grows while the server runs (a restart of the log writes from its beginning again)
    expect(after).toBeLessThanOrEqual(fs.statSync(wal).size);
  });

  it('is behind ADMIN_KEY when one is set', async () => {
    const key = 'metrics-key-0123456789';
    const s = await startTestServer({ adminKey: key });
    const none = await scrape(s.server.url);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ code: 'AUTH_FAILED' });
    expect((await scrape(s.server.url, 'wrong')).status).toBe(401);
    expect(stored(await metrics(s.server.url, key))).toBe(0);
  });

  it('is off with auth on and no ADMIN_KEY, like the admin API', async () => {
    const appSecret = 's'.repeat(32);
    const off = await startTestServer({ appSecret });
    const r = await scrape(off.server.url);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({
      code: 'FORBIDDEN',
      error: expect.stringMatching(/ADMIN_KEY/),
    });
    const key = 'metrics-key-0123456789';
    const on = await startTestServer({ appSecret, adminKey: key });
    expect((await scrape(on.server.url)).status).toBe(401);
    expect(sampleValue(await metrics(on.server.url, key), 'parley_connections')).toBe(0);
  });
});
