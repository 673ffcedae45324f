import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { capturingLog } from './helpers/capturing-log.js';
import { startTestServer } from './helpers/test-server.js';
import { waitFor } from './helpers/wait-for.js';

/** A store whose user listing fails, so that `GET /v1/users` is a 500 that the server logs. */
function storeFailingListUsers(): Store {
  const store = new SqliteStore({ dataDir: ':memory:' });
  store.listUsers = async () => {
    throw new Error('injected listUsers failure');
  };
  return store;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('HTTP request ids', () => {
  it('keeps a sane X-Request-Id, generates one otherwise, echoes it, and puts it on every log line of the request', async () => {
    const { lines, log } = capturingLog();
    const s = await startTestServer({}, { log, store: storeFailingListUsers() });
    const get = (path: string, id?: string) =>
      fetch(`${s.server.url}${path}`, id === undefined ? {} : { headers: { 'x-request-id': id } });

    const kept = await get('/healthz', 'lb-7f3a:42');
    expect(kept.status).toBe(200);
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a:42');

    const fresh = await get('/healthz');
    const freshId = fresh.headers.get('x-request-id') ?? '';
    expect(freshId).toMatch(UUID);

    for (const insane of ['has spaces', 'x'.repeat(129), 'quote"d', '']) {
      const res = await get('/healthz', insane);
      expect(res.headers.get('x-request-id')).toMatch(UUID);
    }

    const failed = await get('/v1/users', 'req-500');
    expect(failed.status).toBe(500);
    expect(failed.headers.get('x-request-id')).toBe('req-500');
    const notFound = await get('/nowhere', 'req-404');
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-request-id')).toBe('req-404');

    const of = (id: string) => lines.filter((l) => l.reqId === id);
    const about = () => lines.filter((l) => l.msg.startsWith('http request'));
    // one line per request at its end, one more for the failure
    await waitFor(() => about().length === 9, 'every request to be logged');
    expect(of('lb-7f3a:42')).toMatchObject([{ msg: 'http request', status: 200, url: '/healthz' }]);
    expect(of(freshId)).toMatchObject([{ msg: 'http request', status: 200 }]);
    expect(of('req-500')).toMatchObject([
      { msg: 'http request failed', level: 50 },
      { msg: 'http request', status: 500, url: '/v1/users' },
    ]);
    expect(of('req-404')).toMatchObject([{ msg: 'http request', status: 404 }]);
    for (const l of about()) expect(l.reqId).toBeTruthy();
  });

  it('answers CORS preflights with a request id too, and exposes the header to browsers', async () => {
    const s = await startTestServer({ corsOrigins: 'https://app.example.com' });
    const res = await fetch(`${s.server.url}/v1/users`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'GET',
        'x-request-id': 'pre-1',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('x-request-id')).toBe('pre-1');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
  });
});
