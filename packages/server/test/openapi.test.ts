import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { admin } from './helpers/admin.js';
import { startTestServer } from './helpers/test-server.js';

const SECRET = 'app-secret-of-at-least-32-characters!!';

interface Operation {
  parameters?: { in: string; name: string; schema: object }[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

const ajv = new Ajv({ strict: false });

/** The document's path of a Fastify route path (`/v1/users/:id` is `/v1/users/{id}`). */
const docPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

function check(schema: object | undefined, value: unknown, what: string): void {
  expect(schema, `${what}: no schema`).toBeDefined();
  const validate = ajv.compile(schema as object);
  expect(validate(value), `${what}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

function responseSchema(doc: Doc, method: string, path: string, status: number): object | undefined {
  return doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
}

describe('the OpenAPI document', () => {
  it('is served at /openapi.json without a key and names every route the server registers', async () => {
    const t = await startTestServer({ appSecret: SECRET, adminKey: 'k3y' });
    const res = await fetch(`${t.server.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toMatch(/^3\./);
    expect(t.server.httpRoutes.length).toBeGreaterThan(15);
    for (const route of t.server.httpRoutes) {
      const [method, url] = route.split(' ') as [string, string];
      expect(doc.paths[docPath(url)]?.[method.toLowerCase()], route).toBeDefined();
    }
    // and nothing that is not a route
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(documented.sort()).toEqual(t.server.httpRoutes.map((r) => docPath(r)).sort());
  });

  it('describes real requests and answers', async () => {
    const t = await startTestServer({ appSecret: SECRET, adminKey: 'k3y' });
    const url = t.server.url;
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as Doc;
    const key = { authorization: 'Bearer k3y' };

    const put = doc.paths['/v1/users/{id}']!.put!;
    const idParam = put.parameters!.find((p) => p.in === 'path' && p.name === 'id')!;
    const body = { name: 'Alice' };
    check(put.requestBody!.content['application/json']!.schema, body, 'PUT /v1/users/{id} body');
    check(idParam.schema, 'alice', 'user id');
    expect(ajv.validate(idParam.schema, 'not an id')).toBe(false);
    const created = await admin(url, 'PUT', '/v1/users/alice', body, key);
    expect(created.status).toBe(200);
    check(responseSchema(doc, 'put', '/v1/users/{id}', 200), created.body, 'PUT /v1/users/{id} 200');

    const list = await admin(url, 'GET', '/v1/users?limit=10', undefined, key);
    check(responseSchema(doc, 'get', '/v1/users', 200), list.body, 'GET /v1/users 200');

    const missing = await admin(url, 'GET', '/v1/users/ghost', undefined, key);
    expect(missing.status).toBe(404);
    check(responseSchema(doc, 'get', '/v1/users/{id}', 404), missing.body, 'GET /v1/users/{id} 404');

    const denied = await admin(url, 'GET', '/v1/users/alice');
    expect(denied.status).toBe(401);
    check(responseSchema(doc, 'get', '/v1/users/{id}', 401), denied.body, 'GET /v1/users/{id} 401');

    const tokenBody = { userId: 'alice', ttlSeconds: 60 };
    check(
      doc.paths['/v1/tokens']!.post!.requestBody!.content['application/json']!.schema,
      tokenBody,
      'token body',
    );
    const token = await admin(url, 'POST', '/v1/tokens', tokenBody, { authorization: `Bearer ${SECRET}` });
    expect(token.status).toBe(200);
    check(responseSchema(doc, 'post', '/v1/tokens', 200), token.body, 'POST /v1/tokens 200');

    const presence = await admin(url, 'POST', '/v1/presence', { users: ['alice'] }, key);
    check(responseSchema(doc, 'post', '/v1/presence', 200), presence.body, 'POST /v1/presence 200');

    const health = await admin(url, 'GET', '/healthz');
    check(responseSchema(doc, 'get', '/healthz', 200), health.body, 'GET /healthz 200');
  });

  it('refuses a request that fails its schema with 400 BAD_REQUEST and a reason naming the field', async () => {
    const t = await startTestServer();
    const url = t.server.url;
    await admin(url, 'PUT', '/v1/users/alice', { name: 'Alice' });
    const cases: [string, string, unknown, RegExp][] = [
      ['PUT', '/v1/users/alice', { name: 7 }, /^name /],
      ['PUT', '/v1/users/alice', {}, /^name /],
      ['PUT', '/v1/users/alice/contacts', { contacts: [1] }, /^contacts /],
      ['POST', '/v1/presence', { users: 'alice' }, /^users /],
      ['POST', '/v1/users/alice/revoke', { before: 'x' }, /^before /],
      ['GET', '/v1/users/alice/history?limit=-1', undefined, /^limit /],
    ];
    for (const [method, path, body, reason] of cases) {
      const r = await admin(url, method, path, body);
      expect([method, path, r.status, r.body.code]).toEqual([method, path, 400, 'BAD_REQUEST']);
      expect(r.body.error).toMatch(reason);
    }
  });
});
