import type { IncomingMessage } from 'node:http';
import { isUserId } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { UserDirectory } from '../core/users.js';
import type { Store } from '../store/store.js';
import { bearer, sameSecret } from './bearer.js';
import { HttpError, sendJson } from './http-error.js';
import { bodyRequired } from './json-body.js';
import { ADMIN_REFUSALS, objectBody, responses, type Schema, userIdParams, userIdSchema } from './schemas.js';

export interface AdminConfig {
  /** When set, admin calls need `Authorization: Bearer <adminKey>`. */
  adminKey: string | undefined;
  /** With auth on and no admin key, the admin API is off rather than open. */
  requireKey: boolean;
  bodyLimit: number;
}

const MAX_NAME = 128;
const MAX_CONTACTS = 10_000;

const user: Schema = {
  type: 'object',
  required: ['id', 'name'],
  properties: { id: { type: 'string' }, name: { type: 'string' } },
};
const contacts: Schema = {
  type: 'object',
  required: ['contacts'],
  properties: {
    contacts: {
      type: 'array',
      items: { type: 'object', properties: { toId: { type: 'string' }, toName: { type: 'string' } } },
    },
  },
};
const NAME_REASON = `name must be a non-empty string of at most ${MAX_NAME} characters`;
const CONTACTS_REASON = `contacts must be an array of at most ${MAX_CONTACTS} user ids`;

/** The onRequest hook of every admin call: the admin key (401), or the API is off (403). */
export function adminGuard(config: AdminConfig): (req: { raw: IncomingMessage }) => Promise<void> {
  return async (req) => checkAdminKey(req.raw, config);
}

/** The admin API: users and their contact lists. */
/** Reads come from the store; writes go through the core's one write path. */
export function addAdminRoutes(
  app: FastifyInstance,
  store: Store,
  users: UserDirectory,
  config: AdminConfig,
): void {
  const onRequest = adminGuard(config);
  const tags = ['admin: users'];
  const security = [{ adminKey: [] }];

  app.get(
    '/v1/users',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'Lists users by id, a page at a time',
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'string', description: '1 to 1000, default 100' },
            after: { type: 'string' },
          },
        },
        response: responses(
          {
            200: {
              type: 'object',
              required: ['users'],
              properties: { users: { type: 'array', items: user }, next: { type: 'string' } },
            },
          },
          ADMIN_REFUSALS,
        ),
      },
    },
    async (req, reply) => {
      const q = req.query as { limit?: string; after?: string };
      const limit = Math.min(Math.max(Number(q.limit ?? 100) || 100, 1), 1000);
      const list = await store.listUsers(q.after, limit);
      const body: { users: typeof list; next?: string } = { users: list };
      if (list.length === limit) body.next = list[list.length - 1]!.id;
      return sendJson(reply, 200, body);
    },
  );

  app.get(
    '/v1/users/:id',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'One user',
        params: userIdParams,
        response: responses({ 200: user }, [400, ...ADMIN_REFUSALS, 404]),
      },
    },
    async (req, reply) => sendJson(reply, 200, await existingUser(store, idOf(req))),
  );

  app.put(
    '/v1/users/:id',
    {
      onRequest,
      preValidation: bodyRequired,
      schema: {
        tags,
        security,
        summary: 'Creates or renames a user',
        params: userIdParams,
        body: objectBody(
          { name: { type: 'string', minLength: 1, maxLength: MAX_NAME, 'x-reason': NAME_REASON } },
          ['name'],
        ),
        response: responses({ 200: user }, [400, ...ADMIN_REFUSALS, 413]),
      },
    },
    async (req, reply) => {
      const userId = validUserId(idOf(req));
      const name = (req.body as { name?: unknown }).name;
      if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME || !name.isWellFormed())
        throw new HttpError(400, 'BAD_REQUEST', NAME_REASON);
      return sendJson(reply, 200, await users.upsertUser(userId, name));
    },
  );

  app.get(
    '/v1/users/:id/contacts',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: "A user's contact list",
        params: userIdParams,
        response: responses({ 200: contacts }, [400, ...ADMIN_REFUSALS, 404]),
      },
    },
    async (req, reply) => {
      const found = await existingUser(store, idOf(req));
      return sendJson(reply, 200, { contacts: await store.getContacts(found.id) });
    },
  );

  app.put(
    '/v1/users/:id/contacts',
    {
      onRequest,
      preValidation: bodyRequired,
      schema: {
        tags,
        security,
        summary: "Replaces a user's contact list",
        params: userIdParams,
        body: objectBody(
          {
            contacts: {
              type: 'array',
              maxItems: MAX_CONTACTS,
              items: { ...userIdSchema, 'x-reason': CONTACTS_REASON },
              'x-reason': CONTACTS_REASON,
            },
          },
          ['contacts'],
        ),
        response: responses({ 200: contacts }, [400, ...ADMIN_REFUSALS, 404, 413]),
      },
    },
    async (req, reply) => {
      const found = await existingUser(store, idOf(req));
      const ids = (req.body as { contacts?: unknown }).contacts;
      if (!Array.isArray(ids) || ids.length > MAX_CONTACTS || !ids.every(isUserId))
        throw new HttpError(400, 'BAD_REQUEST', CONTACTS_REASON);
      if (ids.includes(found.id)) throw new HttpError(400, 'BAD_REQUEST', 'a user cannot be its own contact');
      const { unknown } = await users.setContacts(found.id, ids);
      if (unknown.length > 0)
        throw new HttpError(404, 'UNKNOWN_USER', `no such users: ${unknown.join(', ')}`);
      return sendJson(reply, 200, { contacts: await store.getContacts(found.id) });
    },
  );
}

/** The `:id` of a route. */
export function idOf(req: { params: unknown }): string {
  return (req.params as { id: string }).id;
}

export function validUserId(id: string): string {
  if (!isUserId(id))
    throw new HttpError(400, 'BAD_REQUEST', 'user ids are 1 to 64 of letters, digits and _ . @ : + -');
  return id;
}

async function existingUser(store: Store, id: string) {
  const found = await store.getUser(validUserId(id));
  if (!found) throw new HttpError(404, 'UNKNOWN_USER', `no user ${id}`);
  return found;
}

export function checkAdminKey(req: IncomingMessage, config: AdminConfig): void {
  if (config.adminKey === undefined) {
    if (config.requireKey)
      throw new HttpError(403, 'FORBIDDEN', 'the admin API is off: set ADMIN_KEY to use it');
    return;
  }
  if (!sameSecret(bearer(req), config.adminKey)) {
    throw new HttpError(401, 'AUTH_FAILED', 'this call needs Authorization: Bearer <admin key>');
  }
}
