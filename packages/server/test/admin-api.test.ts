import { describe, expect, it } from 'vitest';
import { admin } from './helpers/admin.js';
import { startTestServer } from './helpers/test-server.js';

describe('admin HTTP API', () => {
  it('creates, renames, lists and reads users', async () => {
    const t = await startTestServer();
    const url = t.server.url;
    expect(await admin(url, 'PUT', '/v1/users/HK0002', { name: '张三' })).toEqual({
      status: 200,
      body: { id: 'HK0002', name: '张三' },
    });
    await admin(url, 'PUT', '/v1/users/HK0001', { name: 'first' });
    await admin(url, 'PUT', '/v1/users/HK0001', { name: 'renamed' });
    expect((await admin(url, 'GET', '/v1/users/HK0001')).body).toEqual({ id: 'HK0001', name: 'renamed' });
    expect((await admin(url, 'GET', '/v1/users')).body).toEqual({
      users: [
        { id: 'HK0001', name: 'renamed' },
        { id: 'HK0002', name: '张三' },
      ],
    });
    const page1 = await admin(url, 'GET', '/v1/users?limit=1');
    expect(page1.body).toEqual({ users: [{ id: 'HK0001', name: 'renamed' }], next: 'HK0001' });
    const page2 = await admin(url, 'GET', `/v1/users?limit=1&after=${page1.body.next}`);
    expect(page2.body.users).toEqual([{ id: 'HK0002', name: '张三' }]);
  });

  it('sets and reads contacts, which action 11 then returns', async () => {
    const t = await startTestServer();
    const url = t.server.url;
    for (const id of ['a', 'b', 'c']) await admin(url, 'PUT', `/v1/users/${id}`, { name: id.toUpperCase() });
    const set = await admin(url, 'PUT', '/v1/users/a/contacts', { contacts: ['c', 'b'] });
    expect(set).toEqual({
      status: 200,
      body: {
        contacts: [
          { toId: 'c', toName: 'C' },
          { toId: 'b', toName: 'B' },
        ],
      },
    });
    expect((await admin(url, 'GET', '/v1/users/a/contacts')).body).toEqual(set.body);
    const ws = await t.connect('a');
    expect(await ws.request({ action: '11', fromId: 'a' })).toEqual({ action: '11', toId: 'a', ...set.body });
    // a rename shows in contacts at once
    await admin(url, 'PUT', '/v1/users/b', { name: 'Bee' });
    expect((await ws.request({ action: '11', fromId: 'a' })).contacts[1]).toEqual({
      toId: 'b',
      toName: 'Bee',
    });
  });

  it('answers bad requests with a 4xx and a reason, and changes nothing', async () => {
    const t = await startTestServer({ maxBodyBytes: 1024 });
    const url = t.server.url;
    await admin(url, 'PUT', '/v1/users/a', { name: 'A' });
    await admin(url, 'PUT', '/v1/users/b', { name: 'B' });
    await admin(url, 'PUT', '/v1/users/a/contacts', { contacts: ['b'] });
    const cases: [string, string, unknown, number, string][] = [
      ['PUT', '/v1/users/a', { name: '' }, 400, 'BAD_REQUEST'],
      ['PUT', '/v1/users/a', { name: 5 }, 400, 'BAD_REQUEST'],
      ['PUT', '/v1/users/a', '{bad json', 400, 'BAD_JSON'],
      ['PUT', '/v1/users/a', 'null', 400, 'BAD_REQUEST'],
      ['PUT', '/v1/users/a', { name: 'x'.repeat(2000) }, 413, 'TOO_LARGE'],
      ['PUT', '/v1/users/has%20space', { name: 'x' }, 400, 'BAD_REQUEST'],
      ['GET', '/v1/users/nobody', undefined, 404, 'UNKNOWN_USER'],
      ['PUT', '/v1/users/a/contacts', { contacts: ['b', 'ghost'] }, 404, 'UNKNOWN_USER'],
      ['PUT', '/v1/users/a/contacts', { contacts: 'b' }, 400, 'BAD_REQUEST'],
      ['PUT', '/v1/users/a/contacts', { contacts: ['a'] }, 400, 'BAD_REQUEST'],
      ['PUT', '/v1/users/ghost/contacts', { contacts: [] }, 404, 'UNKNOWN_USER'],
      ['PATCH', '/v1/users/a', undefined, 405, 'METHOD_NOT_ALLOWED'],
      ['GET', '/v2/nothing', undefined, 404, 'NOT_FOUND'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const r = await admin(url, method, path, body);
      expect([method, path, r.status, r.body.code]).toEqual([method, path, status, code]);
      expect(typeof r.body.error).toBe('string');
    }
    expect((await admin(url, 'GET', '/v1/users/a')).body).toEqual({ id: 'a', name: 'A' });
    expect((await admin(url, 'GET', '/v1/users/a/contacts')).body).toEqual({
      contacts: [{ toId: 'b', toName: 'B' }],
    });
  });

  it('requires the admin key when one is configured', async () => {
    const t = await startTestServer({ adminKey: 'k3y' });
    const url = t.server.url;
    expect((await admin(url, 'GET', '/v1/users')).status).toBe(401);
    expect((await admin(url, 'GET', '/v1/users', undefined, { authorization: 'Bearer nope' })).status).toBe(
      401,
    );
    expect((await admin(url, 'GET', '/v1/users', undefined, { authorization: 'Bearer k3y' })).status).toBe(
      200,
    );
  });

  it('reports health', async () => {
    const t = await startTestServer();
    await t.connect('a');
    expect(await admin(t.server.url, 'GET', '/healthz')).toEqual({
      status: 200,
      body: { ok: true, connections: 1 },
    });
  });
});
