import { describe, expect, it } from 'vitest';
import { admin } from './helpers/admin.js';
import { startTestServer } from './helpers/test-server.js';

const SECRET = 'app-secret-of-at-least-32-characters!!';
const ADMIN = 'admin-key-separate-from-the-secret';

/** Every route of the server API, with a body that would be accepted. */
const ROUTES: [string, string, unknown][] = [
  ['POST', '/v1/messages', { fromId: 'alice', toId: 'bob', message: 'hi' }],
  ['GET', '/v1/users/alice/history', undefined],
  ['POST', '/v1/presence', { users: ['alice'] }],
  ['POST', '/v1/users/alice/kick', undefined],
  ['POST', '/v1/users/alice/revoke', undefined],
  ['DELETE', '/v1/users/alice', undefined],
];

describe('server API: bad input', () => {
  it('answers bad requests with 400 and a reason, unknown users and groups with 404, and changes nothing', async () => {
    const t = await startTestServer();
    const url = t.server.url;
    for (const id of ['alice', 'bob']) await admin(url, 'PUT', `/v1/users/${id}`, { name: id });
    const future = Date.now() + 3_600_000;
    const cases: [string, string, unknown, number, string, RegExp?][] = [
      ['POST', '/v1/messages', undefined, 400, 'BAD_REQUEST', /body is required/],
      ['POST', '/v1/messages', '{"toId":', 400, 'BAD_JSON'],
      ['POST', '/v1/messages', [1], 400, 'BAD_REQUEST', /JSON object/],
      ['POST', '/v1/messages', { toId: 'bob' }, 400, 'BAD_REQUEST', /^message is required/],
      ['POST', '/v1/messages', { message: 'x' }, 400, 'BAD_REQUEST', /^toId is required/],
      ['POST', '/v1/messages', { toId: 'bo b', message: 'x' }, 400, 'BAD_REQUEST', /^toId must be/],
      [
        'POST',
        '/v1/messages',
        { fromId: 5, toId: 'bob', message: 'x' },
        400,
        'BAD_REQUEST',
        /^fromId must be/,
      ],
      ['POST', '/v1/messages', { toId: 'bob', message: 'x', type: 3 }, 400, 'BAD_REQUEST', /^type must be/],
      ['POST', '/v1/messages', { toId: 'bob', message: '\ud800' }, 400, 'BAD_REQUEST'],
      ['POST', '/v1/messages', { toId: '!lobby', message: 'x' }, 400, 'BAD_REQUEST', /rooms/],
      ['POST', '/v1/messages', { toId: 'ghost', message: 'x' }, 404, 'UNKNOWN_USER', /ghost/],
      ['POST', '/v1/messages', { fromId: 'ghost', toId: 'bob', message: 'x' }, 404, 'UNKNOWN_USER', /ghost/],
      ['POST', '/v1/messages', { toId: '~nope', message: 'x' }, 404, 'UNKNOWN_GROUP'],
      ['POST', '/v1/messages', { messages: [] }, 400, 'BAD_REQUEST', /1 to 100/],
      ['POST', '/v1/messages', { messages: 'x' }, 400, 'BAD_REQUEST', /1 to 100/],
      [
        'POST',
        '/v1/messages',
        { messages: Array(101).fill({ toId: 'bob', message: 'x' }) },
        400,
        'BAD_REQUEST',
      ],
      ['GET', '/v1/users/bad%20id/history', undefined, 400, 'BAD_REQUEST', /user ids/],
      ['GET', '/v1/users/ghost/history', undefined, 404, 'UNKNOWN_USER'],
      ['GET', '/v1/users/alice/history?peer=ghost', undefined, 404, 'UNKNOWN_USER'],
      ['GET', '/v1/users/alice/history?peer=~nope', undefined, 404, 'UNKNOWN_GROUP'],
      ['GET', '/v1/users/alice/history?peer=!room', undefined, 400, 'BAD_REQUEST', /^peer must be/],
      ['GET', '/v1/users/alice/history?limit=0', undefined, 400, 'BAD_REQUEST', /^limit must be/],
      ['GET', '/v1/users/alice/history?limit=ten', undefined, 400, 'BAD_REQUEST', /^limit must be/],
      ['GET', '/v1/users/alice/history?beforeSeq=-1', undefined, 400, 'BAD_REQUEST', /^beforeSeq/],
      ['GET', '/v1/users/alice/history?before=MSG999999', undefined, 404, 'NOT_FOUND'],
      ['GET', '/v1/users/alice/history?after=1', undefined, 400, 'BAD_REQUEST', /unknown parameter after/],
      ['POST', '/v1/presence', {}, 400, 'BAD_REQUEST', /users must be/],
      ['POST', '/v1/presence', { users: [] }, 400, 'BAD_REQUEST', /users must be/],
      ['POST', '/v1/presence', { users: ['a b'] }, 400, 'BAD_REQUEST', /users must be/],
      ['POST', '/v1/presence', { users: Array(501).fill('alice') }, 400, 'BAD_REQUEST', /500/],
      ['POST', '/v1/users/ghost/kick', undefined, 404, 'UNKNOWN_USER'],
      ['POST', '/v1/users/alice/kick', { reason: 7 }, 400, 'BAD_REQUEST', /reason/],
      ['POST', '/v1/users/alice/kick', { reason: 'x'.repeat(101) }, 400, 'BAD_REQUEST', /reason/],
      ['POST', '/v1/users/alice/kick', { reason: '维护'.repeat(17) }, 400, 'BAD_REQUEST', /100 bytes/],
      ['POST', '/v1/users/alice/kick', [1], 400, 'BAD_REQUEST', /JSON object/],
      ['POST', '/v1/users/ghost/revoke', undefined, 404, 'UNKNOWN_USER'],
      ['POST', '/v1/users/alice/revoke', { before: 'yesterday' }, 400, 'BAD_REQUEST', /before/],
      ['POST', '/v1/users/alice/revoke', { before: 0 }, 400, 'BAD_REQUEST', /before/],
      ['POST', '/v1/users/alice/revoke', { before: 1.5 }, 400, 'BAD_REQUEST', /before/],
      ['POST', '/v1/users/alice/revoke', { before: future }, 400, 'BAD_REQUEST', /future/],
      ['DELETE', '/v1/users/ghost', undefined, 404, 'UNKNOWN_USER'],
      ['DELETE', '/v1/users/a%20b', undefined, 400, 'BAD_REQUEST', /user ids/],
      ['PUT', '/v1/messages', {}, 405, 'METHOD_NOT_ALLOWED'],
      ['GET', '/v1/presence', undefined, 405, 'METHOD_NOT_ALLOWED'],
    ];
    for (const [method, path, body, status, code, reason] of cases) {
      const r = await admin(url, method, path, body);
      const what = `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)}`;
      expect([r.status, r.body.code], what).toEqual([status, code]);
      expect(r.body.error, what).toEqual(expect.any(String));
      if (reason) expect(r.body.error, what).toMatch(reason);
    }
    // nothing was sent, nobody was revoked or deleted (the system sender exists: it was used)
    for (const u of ['alice', 'bob', 'system']) {
      expect((await admin(url, 'GET', `/v1/users/${u}/history`)).body.historyMsgs).toEqual([]);
      expect((await admin(url, 'GET', `/v1/users/${u}`)).status).toBe(200);
    }
    expect(await t.server.core.store.tokensValidFrom('alice')).toBe(0);
  });

  it('needs the admin key when one is set (401), and is off with auth on and no key (403)', async () => {
    const keyed = await startTestServer({ adminKey: ADMIN });
    const off = await startTestServer({ appSecret: SECRET });
    for (const [method, path, body] of ROUTES) {
      for (const headers of [{}, { authorization: 'Bearer wrong-key' }] as Record<string, string>[]) {
        const r = await admin(keyed.server.url, method, path, body, headers);
        expect([method, path, r.status, r.body.code]).toEqual([method, path, 401, 'AUTH_FAILED']);
      }
      const r = await admin(off.server.url, method, path, body, { authorization: `Bearer ${SECRET}` });
      expect([method, path, r.status, r.body.code]).toEqual([method, path, 403, 'FORBIDDEN']);
    }
    // with the key, they answer
    const headers = { authorization: `Bearer ${ADMIN}` };
    for (const id of ['alice', 'bob'])
      await admin(keyed.server.url, 'PUT', `/v1/users/${id}`, { name: id }, headers);
    for (const [method, path, body] of ROUTES) {
      const r = await admin(keyed.server.url, method, path, body, headers);
      expect([method, path, r.status]).toEqual([method, path, 200]);
    }
  });
});
