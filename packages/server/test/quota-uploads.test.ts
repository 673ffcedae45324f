import { describe, expect, it } from 'vitest';
import { admin } from './helpers/admin.js';
import { manualClock } from './helpers/manual-clock.js';
import { startTestServer } from './helpers/test-server.js';

describe('upload quota per day', () => {
  const upload = async (base: string, bytes: number, auth?: string) => {
    const res = await fetch(`${base}/files?name=f.bin`, {
      method: 'POST',
      body: Buffer.alloc(bytes),
      headers: auth ? { authorization: `Bearer ${auth}` } : {},
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('refuses uploads past the daily quota with 429 QUOTA_EXCEEDED, keyed by address in open mode', async () => {
    const clock = manualClock();
    const t = await startTestServer({ maxUploadBytes: 1000, maxUploadBytesPerDay: 1500 }, { clock });
    expect((await upload(t.server.url, 1000)).status).toBe(201);
    const over = await upload(t.server.url, 600);
    expect(over).toMatchObject({ status: 429, body: { code: 'QUOTA_EXCEEDED' } });
    expect(over.body.error).toMatch(/1500 bytes per day/);
    expect((await upload(t.server.url, 500)).status).toBe(201);
    expect((await upload(t.server.url, 1)).status).toBe(429);
    // a refused or too-large upload costs nothing; the next UTC day starts afresh
    clock.advance(24 * 3600_000);
    expect((await upload(t.server.url, 1001)).status).toBe(413);
    expect((await upload(t.server.url, 1000)).status).toBe(201);
    expect((await upload(t.server.url, 500)).status).toBe(201);
  });

  it('keys the quota by user when auth is on', async () => {
    const secret = 's'.repeat(32);
    const t = await startTestServer({ appSecret: secret, maxUploadBytes: 1000, maxUploadBytesPerDay: 1000 });
    const token = async (userId: string) =>
      (await admin(t.server.url, 'POST', '/v1/tokens', { userId }, { authorization: `Bearer ${secret}` }))
        .body.token as string;
    const alice = await token('alice');
    const bob = await token('bob');
    expect((await upload(t.server.url, 800, alice)).status).toBe(201);
    expect((await upload(t.server.url, 800, alice)).status).toBe(429);
    expect((await upload(t.server.url, 800, bob)).status).toBe(201);
  });
});
