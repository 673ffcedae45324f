import type { IncomingMessage } from 'node:http';
import {
  type ChangeGroupFrame,
  type CreateGroupFrame,
  ErrorCode,
  type ErrorCodeValue,
  isGroupId,
  validateClientFrame,
} from '@parley/protocol';
import type { ChatCore } from '../core/chat-core.js';
import { CoreError } from '../core/core-error.js';
import { groupInfo, groupMember } from '../core/groups/group-wire.js';
import { changeOf } from '../core/handlers/groups.js';
import { type AdminConfig, checkAdminKey, validUserId } from './admin-routes.js';
import { readJson } from './body.js';
import { HttpError, sendJson } from './http-error.js';
import type { HttpRouter } from './router.js';

/** HTTP statuses of the core's refusals. */
const statusOf: Partial<Record<ErrorCodeValue, number>> = {
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.UnknownUser]: 404,
  [ErrorCode.UnknownGroup]: 404,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotMember]: 403,
  [ErrorCode.GroupFull]: 409,
  [ErrorCode.GroupDismissed]: 409,
};

/**
 * The admin API for groups: an app backend creates groups for its users (with ids of its choice
 * if it likes) and changes them as their owner, or as a member it names. Events reach the members
 * exactly as for changes made over the WebSocket.
 */
export function addAdminGroupRoutes(router: HttpRouter, core: ChatCore, config: AdminConfig): void {
  const guard = (req: IncomingMessage): void => checkAdminKey(req, config);

  router.on('POST', '/v1/groups', async (req, res) => {
    guard(req);
    const body = objectBody(await readJson(req, config.bodyLimit));
    if (body.id !== undefined && !isGroupId(body.id))
      throw new HttpError(
        400,
        'BAD_REQUEST',
        'id must be a group id: ~ then 1 to 63 of letters, digits, _ . -',
      );
    const f = frame<CreateGroupFrame>({
      action: '13',
      fromId: body.ownerId,
      name: body.name,
      members: body.members,
    });
    const group = await core.groups
      .create(f.fromId, f.name, f.members ?? [], body.id as string | undefined)
      .catch(asHttpError);
    sendJson(res, 201, { group: groupInfo(group) });
  });

  router.on('GET', '/v1/groups/:id', async (req, res, { id }) => {
    guard(req);
    const group = await core.store.getGroup(id!);
    if (!group) throw new HttpError(404, ErrorCode.UnknownGroup, `no group ${id}`);
    const now = core.clock.now();
    const members = (await core.store.groupMembers(group.id)).map((m) => groupMember(m, now));
    sendJson(res, 200, { group: groupInfo(group), members });
  });

  router.on('POST', '/v1/groups/:id/changes', async (req, res, { id }) => {
    guard(req);
    const group = await core.store.getGroup(id!);
    if (!group) throw new HttpError(404, ErrorCode.UnknownGroup, `no group ${id}`);
    const { actorId, ...rest } = objectBody(await readJson(req, config.bodyLimit));
    const f = frame<ChangeGroupFrame>({
      ...rest,
      action: '14',
      fromId: actorId ?? group.ownerId,
      toId: group.id,
    });
    const changed = await core.groups
      .change(f.toId, f.fromId, changeOf(f, core.clock.now()))
      .catch(asHttpError);
    sendJson(res, 200, { group: groupInfo(changed) });
  });

  router.on('GET', '/v1/users/:id/groups', async (req, res, { id }) => {
    guard(req);
    const groups = await core.store.groupsOf(validUserId(id!));
    sendJson(res, 200, { groups: groups.map(groupInfo) });
  });
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'BAD_REQUEST', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

/** Checks a request body with the WebSocket frame's own validator: one set of rules for both. */
function frame<F>(value: Record<string, unknown>): F {
  const r = validateClientFrame(value);
  if (!r.ok) throw new HttpError(400, r.code, r.error.replace(/^fromId\b/, 'ownerId/actorId'));
  return r.frame as F;
}

function asHttpError(err: unknown): never {
  if (err instanceof CoreError) throw new HttpError(statusOf[err.code] ?? 400, err.code, err.message);
  throw err;
}
