import type { IncomingMessage } from 'node:http';
import { isUserId } from '@parley/protocol';
import type { UserDirectory } from '../core/users.js';
import type { Store } from '../store/store.js';
import { bearer, sameSecret } from './bearer.js';
import { readJson } from './body.js';
import { HttpError, sendJson } from './http-error.js';
import type { HttpRouter } from './router.js';

export interface AdminConfig {
  /** When set, admin calls need `Authorization: Bearer <adminKey>`. */
  adminKey: string | undefined;
  /** With auth on and no admin key, the admin API is off rather than open. */
  requireKey: boolean;
  bodyLimit: number;
}

const MAX_NAME = 128;
const MAX_CONTACTS = 10_000;

/** The admin API: users and their contact lists. */
/** Reads come from the store; writes go through the core's one write path. */
export function addAdminRoutes(
  router: HttpRouter,
  store: Store,
  users: UserDirectory,
  config: AdminConfig,
): void {
  const guard = (req: IncomingMessage): void => checkAdminKey(req, config);

  router.on('GET', '/v1/users', async (req, res, _p, url) => {
    guard(req);
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 100) || 100, 1), 1000);
    const after = url.searchParams.get('after') ?? undefined;
    const list = await store.listUsers(after, limit);
    const body: { users: typeof list; next?: string } = { users: list };
    if (list.length === limit) body.next = list[list.length - 1]!.id;
    sendJson(res, 200, body);
  });

  router.on('GET', '/v1/users/:id', async (req, res, { id }) => {
    guard(req);
    sendJson(res, 200, await existingUser(store, id!));
  });

  router.on('PUT', '/v1/users/:id', async (req, res, { id }) => {
    guard(req);
    const userId = validUserId(id!);
    const body = await readJson(req, config.bodyLimit);
    const name = (body as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME || !name.isWellFormed()) {
      throw new HttpError(
        400,
        'BAD_REQUEST',
        `name must be a non-empty string of at most ${MAX_NAME} characters`,
      );
    }
    sendJson(res, 200, await users.upsertUser(userId, name));
  });

  router.on('GET', '/v1/users/:id/contacts', async (req, res, { id }) => {
    guard(req);
    const user = await existingUser(store, id!);
    sendJson(res, 200, { contacts: await store.getContacts(user.id) });
  });

  router.on('PUT', '/v1/users/:id/contacts', async (req, res, { id }) => {
    guard(req);
    const user = await existingUser(store, id!);
    const body = await readJson(req, config.bodyLimit);
    const ids = (body as { contacts?: unknown } | null)?.contacts;
    if (!Array.isArray(ids) || ids.length > MAX_CONTACTS || !ids.every(isUserId)) {
      throw new HttpError(
        400,
        'BAD_REQUEST',
        `contacts must be an array of at most ${MAX_CONTACTS} user ids`,
      );
    }
    if (ids.includes(user.id)) throw new HttpError(400, 'BAD_REQUEST', 'a user cannot be its own contact');
    const { unknown } = await users.setContacts(user.id, ids);
    if (unknown.length > 0) throw new HttpError(404, 'UNKNOWN_USER', `no such users: ${unknown.join(', ')}`);
    sendJson(res, 200, { contacts: await store.getContacts(user.id) });
  });
}

export function validUserId(id: string): string {
  if (!isUserId(id))
    throw new HttpError(400, 'BAD_REQUEST', 'user ids are 1 to 64 of letters, digits and _ . @ : + -');
  return id;
}

async function existingUser(store: Store, id: string) {
  const user = await store.getUser(validUserId(id));
  if (!user) throw new HttpError(404, 'UNKNOWN_USER', `no user ${id}`);
  return user;
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
