import { ErrorCode, type HistoryFrame, isGroupId, isUserId, validateClientFrame } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { UserAdmin } from '../core/admin/user-admin.js';
import type { CoreContext } from '../core/context.js';
import { historyPage } from '../core/handlers/history.js';
import { asHttpError } from './admin-errors.js';
import { type AdminConfig, adminGuard, idOf, validUserId } from './admin-routes.js';
import { HttpError, sendJson } from './http-error.js';
import { bodyOptional, bodyRequired } from './json-body.js';
import { ADMIN_REFUSALS, anyObject, objectBody, responses, userIdParams, userIdSchema } from './schemas.js';

/** The most users one presence request may ask about. */
export const MAX_PRESENCE_USERS = 500;
const MAX_REASON_BYTES = 100;
const PRESENCE_REASON = `users must be an array of 1 to ${MAX_PRESENCE_USERS} user ids`;
const REASON_REASON = `reason must be a string of at most ${MAX_REASON_BYTES} bytes (UTF-8)`;
const BEFORE_REASON = 'before must be an instant in epoch milliseconds, not in the future';

/** History field names as the query string has them, for the validator's reasons. */
const QUERY_NAMES: [RegExp, string][] = [
  [/^toId\b/, 'peer'],
  [/^baseMsgId\b/, 'before'],
  [/^baseSeq\b/, 'beforeSeq'],
  [/^pageSize\b/, 'limit'],
];

/**
 * The server API over users: history, presence of many, kick, token revocation and account
 * deletion. Behind ADMIN_KEY like the rest of the admin API.
 */
export function addAdminUserRoutes(
  app: FastifyInstance,
  ctx: CoreContext,
  admin: UserAdmin,
  config: AdminConfig,
): void {
  const onRequest = adminGuard(config);
  const tags = ['server API'];
  const security = [{ adminKey: [] }];
  const existing = async (id: string): Promise<string> => {
    const userId = validUserId(id);
    if (!(await ctx.store.getUser(userId)))
      throw new HttpError(404, ErrorCode.UnknownUser, `no user ${userId}`);
    return userId;
  };

  app.get(
    '/v1/users/:id/history',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: "A page of a user's history, with everyone or with one peer",
        params: userIdParams,
        querystring: {
          type: 'object',
          properties: {
            peer: { type: 'string', description: 'a user or group id' },
            before: { type: 'string', description: 'a message id' },
            beforeSeq: {
              type: 'string',
              pattern: '^\\d{1,16}$',
              'x-reason': 'beforeSeq must be a non-negative integer',
            },
            limit: {
              type: 'string',
              pattern: '^\\d{1,16}$',
              'x-reason': 'limit must be a non-negative integer',
            },
          },
        },
        response: responses(
          {
            200: {
              type: 'object',
              required: ['userId', 'historyMsgs'],
              properties: {
                userId: { type: 'string' },
                peer: { type: 'string' },
                historyMsgs: { type: 'array', items: anyObject },
              },
            },
          },
          [400, ...ADMIN_REFUSALS, 404],
        ),
      },
    },
    async (req, reply) => {
      const f = historyFrame(validUserId(idOf(req)), new URL(req.url, 'http://localhost').searchParams);
      const userId = await existing(f.fromId);
      if (f.toId !== undefined) {
        if (isGroupId(f.toId)) {
          if (!(await ctx.store.getGroup(f.toId)))
            throw new HttpError(404, ErrorCode.UnknownGroup, `no group ${f.toId}`);
        } else await existing(f.toId);
      }
      const page = await historyPage(ctx, f).catch(asHttpError);
      return sendJson(reply, 200, {
        userId,
        ...(f.toId !== undefined && { peer: f.toId }),
        historyMsgs: page.historyMsgs,
      });
    },
  );

  app.post(
    '/v1/presence',
    {
      onRequest,
      preValidation: bodyRequired,
      schema: {
        tags,
        security,
        summary: 'Which of these users are online',
        body: objectBody(
          {
            users: {
              type: 'array',
              minItems: 1,
              maxItems: MAX_PRESENCE_USERS,
              items: { ...userIdSchema, 'x-reason': PRESENCE_REASON },
              'x-reason': PRESENCE_REASON,
            },
          },
          ['users'],
        ),
        response: responses(
          {
            200: {
              type: 'object',
              required: ['online'],
              properties: { online: { type: 'object', additionalProperties: { type: 'boolean' } } },
            },
          },
          [400, ...ADMIN_REFUSALS, 413],
        ),
      },
    },
    async (req, reply) => {
      const users = (req.body as { users?: unknown }).users;
      if (
        !Array.isArray(users) ||
        users.length === 0 ||
        users.length > MAX_PRESENCE_USERS ||
        !users.every(isUserId)
      )
        throw new HttpError(400, 'BAD_REQUEST', PRESENCE_REASON);
      const ids = [...new Set(users)];
      const online = await Promise.all(ids.map(async (u) => [u, await ctx.isOnline(u)] as const));
      // fromEntries: an id such as __proto__ is an own property like any other
      return sendJson(reply, 200, { online: Object.fromEntries(online) });
    },
  );

  app.post(
    '/v1/users/:id/kick',
    {
      onRequest,
      preValidation: bodyOptional,
      schema: {
        tags,
        security,
        summary: "Closes a user's connections (4403); the body is optional",
        params: userIdParams,
        body: objectBody({ reason: { type: 'string', 'x-reason': REASON_REASON } }),
        response: responses(
          {
            200: {
              type: 'object',
              required: ['userId', 'kicked'],
              properties: { userId: { type: 'string' }, kicked: { type: 'boolean' } },
            },
          },
          [400, ...ADMIN_REFUSALS, 404, 413],
        ),
      },
    },
    async (req, reply) => {
      const userId = validUserId(idOf(req));
      const { reason } = req.body as Record<string, unknown>;
      if (
        reason !== undefined &&
        // a WebSocket close reason holds at most 123 bytes
        (typeof reason !== 'string' || !reason.isWellFormed() || Buffer.byteLength(reason) > MAX_REASON_BYTES)
      )
        throw new HttpError(400, 'BAD_REQUEST', REASON_REASON);
      await admin.kick(userId, reason).catch(asHttpError);
      return sendJson(reply, 200, { userId, kicked: true });
    },
  );

  app.post(
    '/v1/users/:id/revoke',
    {
      onRequest,
      preValidation: bodyOptional,
      schema: {
        tags,
        security,
        summary: "Revokes a user's tokens issued before an instant (now by default); the body is optional",
        params: userIdParams,
        body: objectBody({ before: { type: 'integer', minimum: 1, 'x-reason': BEFORE_REASON } }),
        response: responses(
          {
            200: {
              type: 'object',
              required: ['userId', 'validFrom'],
              properties: { userId: { type: 'string' }, validFrom: { type: 'number' } },
            },
          },
          [400, ...ADMIN_REFUSALS, 404, 413],
        ),
      },
    },
    async (req, reply) => {
      const userId = validUserId(idOf(req));
      const { before } = req.body as Record<string, unknown>;
      const now = ctx.clock.now();
      if (
        before !== undefined &&
        (!Number.isSafeInteger(before) || (before as number) < 1 || (before as number) > now)
      )
        throw new HttpError(400, 'BAD_REQUEST', BEFORE_REASON);
      const validFrom = await admin.revoke(userId, (before as number | undefined) ?? now).catch(asHttpError);
      return sendJson(reply, 200, { userId, validFrom });
    },
  );

  app.delete(
    '/v1/users/:id',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'Deletes a user with their messages, memberships and uploads',
        params: userIdParams,
        response: responses(
          {
            200: {
              type: 'object',
              required: ['userId', 'deleted'],
              properties: { userId: { type: 'string' }, deleted: { type: 'boolean' } },
              additionalProperties: true,
            },
          },
          [400, ...ADMIN_REFUSALS, 404],
        ),
      },
    },
    async (req, reply) => {
      const userId = validUserId(idOf(req));
      const report = await admin.delete(userId).catch(asHttpError);
      return sendJson(reply, 200, { userId, deleted: true, ...report });
    },
  );
}

/** The history request of the query string, checked with the protocol's own validator (action 12). */
function historyFrame(userId: string, q: URLSearchParams): HistoryFrame {
  const known = new Set(['peer', 'before', 'beforeSeq', 'limit']);
  for (const key of q.keys())
    if (!known.has(key))
      throw new HttpError(400, 'BAD_REQUEST', `unknown parameter ${key} (peer, before, beforeSeq, limit)`);
  const int = (name: string) => {
    const v = q.get(name);
    if (v === null) return undefined;
    if (!/^\d{1,16}$/.test(v))
      throw new HttpError(400, 'BAD_REQUEST', `${name} must be a non-negative integer`);
    return Number(v);
  };
  const r = validateClientFrame({
    action: '12',
    fromId: userId,
    toId: q.get('peer') ?? undefined,
    baseMsgId: q.get('before') ?? undefined,
    baseSeq: int('beforeSeq'),
    pageSize: int('limit'),
  });
  if (!r.ok) {
    let error = r.error;
    for (const [from, to] of QUERY_NAMES) error = error.replace(from, to);
    throw new HttpError(400, r.code, error);
  }
  return r.frame as HistoryFrame;
}
