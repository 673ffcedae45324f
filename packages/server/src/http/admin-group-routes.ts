import {
  type ChangeGroupFrame,
  type CreateGroupFrame,
  ErrorCode,
  type ErrorCodeValue,
  isGroupId,
  validateClientFrame,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../core/chat-core.js';
import { CoreError } from '../core/core-error.js';
import { groupInfo, groupMember } from '../core/groups/group-wire.js';
import { changeOf } from '../core/handlers/groups.js';
import { type AdminConfig, adminGuard, idOf, validUserId } from './admin-routes.js';
import { HttpError, sendJson } from './http-error.js';
import { bodyRequired } from './json-body.js';
import {
  ADMIN_REFUSALS,
  anyObject,
  groupIdParams,
  groupIdSchema,
  objectBody,
  responses,
  type Schema,
  userIdParams,
} from './schemas.js';

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

const GROUP_ID_REASON = 'id must be a group id: ~ then 1 to 63 of letters, digits, _ . -';
const group: Schema = { type: 'object', required: ['group'], properties: { group: anyObject } };

/**
 * The admin API for groups: an app backend creates groups for its users (with ids of its choice
 * if it likes) and changes them as their owner, or as a member it names. Events reach the members
 * exactly as for changes made over the WebSocket. Bodies are checked in full by the WebSocket
 * frame's own validator; the schemas describe them.
 */
export function addAdminGroupRoutes(app: FastifyInstance, core: ChatCore, config: AdminConfig): void {
  const onRequest = adminGuard(config);
  const tags = ['admin: groups'];
  const security = [{ adminKey: [] }];

  app.post(
    '/v1/groups',
    {
      onRequest,
      preValidation: bodyRequired,
      schema: {
        tags,
        security,
        summary: 'Creates a group',
        body: objectBody({
          id: { ...groupIdSchema, 'x-reason': GROUP_ID_REASON },
          ownerId: { type: 'string', description: 'a user id' },
          name: { type: 'string' },
          members: { type: 'array', items: { type: 'string' } },
        }),
        response: responses({ 201: group }, [400, ...ADMIN_REFUSALS, 404, 409, 413]),
      },
    },
    async (req, reply) => {
      const body = req.body as Record<string, unknown>;
      if (body.id !== undefined && !isGroupId(body.id))
        throw new HttpError(400, 'BAD_REQUEST', GROUP_ID_REASON);
      const f = frame<CreateGroupFrame>({
        action: '13',
        fromId: body.ownerId,
        name: body.name,
        members: body.members,
      });
      const created = await core.groups
        .create(f.fromId, f.name, f.members ?? [], body.id as string | undefined)
        .catch(asHttpError);
      return sendJson(reply, 201, { group: groupInfo(created) });
    },
  );

  app.get(
    '/v1/groups/:id',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'A group and its members',
        params: groupIdParams,
        response: responses(
          {
            200: {
              type: 'object',
              required: ['group', 'members'],
              properties: { group: anyObject, members: { type: 'array', items: anyObject } },
            },
          },
          [...ADMIN_REFUSALS, 404],
        ),
      },
    },
    async (req, reply) => {
      const id = idOf(req);
      const found = await core.store.getGroup(id);
      if (!found) throw new HttpError(404, ErrorCode.UnknownGroup, `no group ${id}`);
      const now = core.clock.now();
      const members = (await core.store.groupMembers(found.id)).map((m) => groupMember(m, now));
      return sendJson(reply, 200, { group: groupInfo(found), members });
    },
  );

  app.post(
    '/v1/groups/:id/changes',
    {
      onRequest,
      preValidation: bodyRequired,
      schema: {
        tags,
        security,
        summary: 'Changes a group, as its owner or as the member named by actorId',
        params: groupIdParams,
        body: objectBody({ actorId: { type: 'string', description: 'a user id; the owner if left out' } }),
        response: responses({ 200: group }, [400, ...ADMIN_REFUSALS, 404, 409, 413]),
      },
    },
    async (req, reply) => {
      const id = idOf(req);
      const found = await core.store.getGroup(id);
      if (!found) throw new HttpError(404, ErrorCode.UnknownGroup, `no group ${id}`);
      const { actorId, ...rest } = req.body as Record<string, unknown>;
      const f = frame<ChangeGroupFrame>({
        ...rest,
        action: '14',
        fromId: actorId ?? found.ownerId,
        toId: found.id,
      });
      const changed = await core.groups
        .change(f.toId, f.fromId, changeOf(f, core.clock.now()))
        .catch(asHttpError);
      return sendJson(reply, 200, { group: groupInfo(changed) });
    },
  );

  app.get(
    '/v1/users/:id/groups',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'The groups of a user',
        params: userIdParams,
        response: responses(
          {
            200: {
              type: 'object',
              required: ['groups'],
              properties: { groups: { type: 'array', items: anyObject } },
            },
          },
          [400, ...ADMIN_REFUSALS],
        ),
      },
    },
    async (req, reply) => {
      const groups = await core.store.groupsOf(validUserId(idOf(req)));
      return sendJson(reply, 200, { groups: groups.map(groupInfo) });
    },
  );
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
