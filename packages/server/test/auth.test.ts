import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TokenService } from '../src/auth/tokens.js';
import { admin } from './helpers/admin.js';
import { startTestServer } from './helpers/test-server.js';

const SECRET = 'app-secret-of-at-least-32-characters!!';
const ADMIN = 'admin-key-separate-from-the-secret';

async function authServer() {
  return startTestServer({ appSecret: SECRET, adminKey: ADMIN });
}

async function tokenFor(url: string, userId: string, ttlSeconds?: number): Promise<string> {
  const r = await admin(
    url,
    'POST',
    '/v1/tokens',
    { userId, ...(ttlSeconds && { ttlSeconds }) },
    { authorization: `Bearer ${SECRET}` },
  );
  expect(r.status).toBe(200);
  return r.body.token as string;
}

describe('token auth (B1)', () => {
  it('refuses every bad token with AUTH_FAILED and close 4401, and accepts a valid one', async () => {
    const t = await authServer();
    const url = t.server.url;
    const valid = await tokenFor(url, 'alice');
    const expired = (await new TokenService(SECRET).issue('alice', 60, Date.now() - 3_600_000)).token;
    const forged = (await new TokenService('another-secret-that-is-32-chars-long!!').issue('alice', 60))
      .token;
    const noExp = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .sign(new TextEncoder().encode(SECRET));
    const cases: [string, string | undefined, RegExp][] = [
      ['no token', undefined, /needs a token/],
      ['garbage', 'not.a.jwt', /not valid/],
      ['wrong signature', forged, /not valid/],
      ["another user's token", await tokenFor(url, 'bob'), /another user/],
      ['expired', expired, /expired/],
      ['no expiry', noExp, /not valid/],
    ];
    for (const [name, token, reason] of cases) {
      const c = await t.client();
      c.send({ action: '1', fromId: 'alice', ...(token !== undefined && { token }) });
      const reply = await c.next();
      expect(reply, name).toMatchObject({ action: '0', code: 'AUTH_FAILED', ref: { action: '1' } });
      expect(reply.error, name).toMatch(reason);
      expect((await c.closed).code, name).toBe(4401);
    }
    const ok = await t.client();
    ok.send({ action: '1', fromId: 'alice', token: valid });
    expect(await ok.next()).toEqual({ action: '1', toId: 'alice' });
    ok.userId = 'alice';
    expect(await ok.request({ action: '5', fromId: 'alice' })).toEqual({ action: '5', toId: 'alice' });
  });

  it('keeps identity after connect: no spoofed fromId, no foreign history, no foreign recall', async () => {
    const t = await authServer();
    const url = t.server.url;
    const conn = async (user: string) => {
      const c = await t.client();
      c.userId = user;
      c.send({ action: '1', fromId: user, token: await tokenFor(url, user) });
      await c.nextAction('1');
      return c;
    };
    const a = await conn('alice');
    const b = await conn('bob');
    const m = await a.say('bob', 'private');
    const mallory = await conn('mallory');
    expect(
      await mallory.request(
        { ...m.ack, action: '3', fromId: 'alice', toId: 'bob', chatMsg: { id: 'x', type: 0, message: 'hi' } },
        '0',
      ),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await mallory.request({ action: '12', fromId: 'mallory', toId: 'alice' })).toMatchObject({
      historyMsgs: [],
    });
    expect(await mallory.request({ action: '12', fromId: 'mallory', baseMsgId: m.id }, '0')).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await mallory.request({ action: '6', fromId: 'mallory', toId: 'bob', chatMsg: { id: m.id } }, '0'),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await b.request({ action: '6', fromId: 'bob', toId: 'alice', chatMsg: { id: m.id } }, '0'),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await mallory.request(
        { action: '4', fromId: 'mallory', toId: 'alice', chatMsg: { id: m.id, status: 2 } },
        '0',
      ),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('issues tokens only to callers with the app secret, with bounded lifetimes', async () => {
    const t = await authServer();
    const url = t.server.url;
    const post = (body: unknown, auth?: string) =>
      admin(url, 'POST', '/v1/tokens', body, auth ? { authorization: `Bearer ${auth}` } : {});
    expect((await post({ userId: 'alice' })).status).toBe(401);
    expect((await post({ userId: 'alice' }, ADMIN)).status).toBe(401);
    expect((await post({ userId: 'bad id' }, SECRET)).body.code).toBe('BAD_REQUEST');
    expect((await post({ userId: 'alice', ttlSeconds: 0 }, SECRET)).body.code).toBe('BAD_REQUEST');
    expect((await post({ userId: 'alice', ttlSeconds: 10 ** 9 }, SECRET)).body.code).toBe('BAD_REQUEST');
    const ok = await post({ userId: 'alice', ttlSeconds: 600 }, SECRET);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ userId: 'alice', token: expect.any(String) });
    expect(ok.body.expiresAt).toBeGreaterThan(Date.now() + 590_000);
    const open = await startTestServer();
    expect((await admin(open.server.url, 'POST', '/v1/tokens', { userId: 'a' })).body.code).toBe(
      'AUTH_DISABLED',
    );
  });

  it('guards the admin API with its own key and uploads with a user token', async () => {
    const t = await authServer();
    const url = t.server.url;
    expect(
      (await admin(url, 'GET', '/v1/users', undefined, { authorization: `Bearer ${SECRET}` })).status,
    ).toBe(401);
    expect(
      (await admin(url, 'GET', '/v1/users', undefined, { authorization: `Bearer ${ADMIN}` })).status,
    ).toBe(200);
    const noAdmin = await startTestServer({ appSecret: SECRET });
    expect((await admin(noAdmin.server.url, 'GET', '/v1/users')).body.code).toBe('FORBIDDEN');

    const up = (headers: Record<string, string>) =>
      fetch(`${url}/files?name=a.txt`, { method: 'POST', body: 'hello', headers });
    expect((await up({})).status).toBe(401);
    expect((await up({ authorization: 'Bearer nonsense' })).status).toBe(401);
    const res = await up({ authorization: `Bearer ${await tokenFor(url, 'alice')}` });
    expect(res.status).toBe(201);
    const { url: fileUrl } = (await res.json()) as { url: string };
    expect(await (await fetch(fileUrl)).text()).toBe('hello'); // the unguessable URL is the capability
  });

  it('refuses open mode on a non-loopback address unless told it is insecure', async () => {
    await expect(startTestServer({ host: '0.0.0.0' })).rejects.toThrow(
      /refusing to listen on 0\.0\.0\.0 in open mode/,
    );
    const insecure = await startTestServer({ host: '0.0.0.0', insecureOpen: true });
    expect(insecure.server.port).toBeGreaterThan(0);
    const secured = await startTestServer({ host: '0.0.0.0', appSecret: SECRET });
    expect(secured.server.port).toBeGreaterThan(0);
  });

  it('answers CORS only for configured origins', async () => {
    const closed = await startTestServer();
    const pre = (url: string, origin: string) =>
      fetch(`${url}/files`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const r1 = await pre(closed.server.url, 'https://app.example.com');
    expect(r1.status).toBe(403);
    expect(r1.headers.get('access-control-allow-origin')).toBeNull();
    const open = await startTestServer({ corsOrigins: 'https://app.example.com, https://other.example.com' });
    const r2 = await pre(open.server.url, 'https://app.example.com');
    expect(r2.status).toBe(204);
    expect(r2.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    // a browser asks before every method a route takes (DELETE: the admin API's account deletion)
    const allowed = (r2.headers.get('access-control-allow-methods') ?? '').split(/,\s*/);
    const methods = new Set(open.server.httpRoutes.map((r) => r.split(' ')[0]!));
    expect(methods).toContain('DELETE');
    expect(allowed).toEqual(expect.arrayContaining([...methods]));
    expect((await pre(open.server.url, 'https://evil.example.com')).status).toBe(403);
  });
});
