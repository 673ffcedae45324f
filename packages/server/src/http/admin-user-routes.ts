import type { IncomingMessage } from 'node:http';
import { ErrorCode, type HistoryFrame, isGroupId, isUserId, validateClientFrame } from '@parley/protocol';
import type { UserAdmin } from '../core/admin/user-admin.js';
import type { CoreContext } from '../core/context.js';
import { historyPage } from '../core/handlers/history.js';
import { asHttpError, optionalBody } from './admin-errors.js';
import { type AdminConfig, checkAdminKey, validUserId } from './admin-routes.js';
import { readJson } from './body.js';
import { HttpError, sendJson } from './http-error.js';
import type { HttpRouter } from './router.js';

/** The most users one presence request may ask about. */
export const MAX_PRESENCE_USERS = 500;
const MAX_REASON_BYTES = 100;

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
  router: HttpRouter,
  ctx: CoreContext,
  admin: UserAdmin,
  config: AdminConfig,
): void {
  const guard = (req: IncomingMessage): void => checkAdminKey(req, config);
  const existing = async (id: string): Promise<string> => {
    const userId = validUserId(id);
    if (!(await ctx.store.getUser(userId)))
      throw new HttpError(404, ErrorCode.UnknownUser, `no user ${userId}`);
    return userId;
  };

  router.on('GET', '/v1/users/:id/history', async (req, res, { id }, url) => {
    guard(req);
    const f = historyFrame(validUserId(id!), url.searchParams);
    const userId = await existing(f.fromId);
    if (f.toId !== undefined) {
      if (isGroupId(f.toId)) {
        if (!(await ctx.store.getGroup(f.toId)))
          throw new HttpError(404, ErrorCode.UnknownGroup, `no group ${f.toId}`);
      } else await existing(f.toId);
    }
    const page = await historyPage(ctx, f).catch(asHttpError);
    sendJson(res, 200, {
      userId,
      ...(f.toId !== undefined && { peer: f.toId }),
      historyMsgs: page.historyMsgs,
    });
  });

  router.on('POST', '/v1/presence', async (req, res) => {
    guard(req);
    const body = await readJson(req, config.bodyLimit);
    const users = (body as { users?: unknown } | null)?.users;
    if (
      !Array.isArray(users) ||
      users.length === 0 ||
      users.length > MAX_PRESENCE_USERS ||
      !users.every(isUserId)
    )
      throw new HttpError(
        400,
        'BAD_REQUEST',
        `users must be an array of 1 to ${MAX_PRESENCE_USERS} user ids`,
      );
    const ids = [...new Set(users)];
    const online = await Promise.all(ids.map(async (u) => [u, await ctx.isOnline(u)] as const));
    // fromEntries: an id such as __proto__ is an own property like any other
    sendJson(res, 200, { online: Object.fromEntries(online) });
  });

  router.on('POST', '/v1/users/:id/kick', async (req, res, { id }) => {
    guard(req);
    const userId = validUserId(id!);
    const { reason } = await optionalBody(req, config.bodyLimit);
    if (
      reason !== undefined &&
      // a WebSocket close reason holds at most 123 bytes
      (typeof reason !== 'string' || !reason.isWellFormed() || Buffer.byteLength(reason) > MAX_REASON_BYTES)
    )
      throw new HttpError(
        400,
        'BAD_REQUEST',
        `reason must be a string of at most ${MAX_REASON_BYTES} bytes (UTF-8)`,
      );
    await admin.kick(userId, reason).catch(asHttpError);
    sendJson(res, 200, { userId, kicked: true });
  });

  router.on('POST', '/v1/users/:id/revoke', async (req, res, { id }) => {
    guard(req);
    const userId = validUserId(id!);
    const { before } = await optionalBody(req, config.bodyLimit);
    const now = ctx.clock.now();
    if (
      before !== undefined &&
      (!Number.isSafeInteger(before) || (before as number) < 1 || (before as number) > now)
    )
      throw new HttpError(
        400,
        'BAD_REQUEST',
        'before must be an instant in epoch milliseconds, not in the future',
      );
    const validFrom = await admin.revoke(userId, (before as number | undefined) ?? now).catch(asHttpError);
    sendJson(res, 200, { userId, validFrom });
  });

  router.on('DELETE', '/v1/users/:id', async (req, res, { id }) => {
    guard(req);
    const userId = validUserId(id!);
    const report = await admin.delete(userId).catch(asHttpError);
    sendJson(res, 200, { userId, deleted: true, ...report });
  });
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
