import { Action } from './actions.js';
import { ErrorCode, type ErrorCodeValue } from './errors.js';
import type { ClientFrame, ErrorRef } from './frames.js';
import { parseHotFrame } from './hot-frames.js';
import {
  CONVERSATION_ID_PATTERN,
  GROUP_ID_PATTERN,
  ROOM_ID_PATTERN,
  USER_ID_PATTERN,
  USER_OR_GROUP_ID_PATTERN,
} from './ids.js';
import { GROUP_CHANGE_MAX_MEMBERS, GROUP_NAME_MAX } from './limits.js';
import {
  boolean,
  type Checker,
  integer,
  isPlainObject,
  object,
  oneOf,
  optional,
  required,
  SchemaError,
  string,
} from './schema.js';

const userId = string({
  min: 1,
  max: 64,
  pattern: USER_ID_PATTERN,
  what: 'a user id (letters, digits, _ . @ : + -)',
});
const msgId = string({ min: 1, max: 32 });
const text = string();
/** Where a message may go: a user, a group (`~…`) or a chat room (`!…`). */
const conversationId = string({
  min: 1,
  max: 64,
  pattern: CONVERSATION_ID_PATTERN,
  what: 'a user id, a group id (~…) or a room id (!…)',
});
const userOrGroupId = string({
  min: 1,
  max: 64,
  pattern: USER_OR_GROUP_ID_PATTERN,
  what: 'a user id or a group id (~…)',
});
const groupId = string({
  min: 2,
  max: 64,
  pattern: GROUP_ID_PATTERN,
  what: 'a group id (~ then letters, digits, _ . -)',
});
const roomId = string({
  min: 2,
  max: 64,
  pattern: ROOM_ID_PATTERN,
  what: 'a room id (! then letters, digits, _ . -)',
});
const groupName = string({ min: 1, max: GROUP_NAME_MAX });
const position = integer(0, Number.MAX_SAFE_INTEGER);

function listOf<T>(check: Checker<T>, min: number, max: number): Checker<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) throw new SchemaError(`${path} must be an array`);
    if (v.length < min || v.length > max) throw new SchemaError(`${path} must have ${min} to ${max} entries`);
    return v.map((x, i) => check(x, `${path}[${i}]`));
  };
}
const members = listOf(userId, 1, GROUP_CHANGE_MAX_MEMBERS);

const groupChangeBase = { action: required(text), fromId: required(userId), toId: required(groupId) };
const groupChanges = {
  rename: object({ ...groupChangeBase, op: required(text), name: required(groupName) }),
  add: object({ ...groupChangeBase, op: required(text), members: required(members) }),
  remove: object({ ...groupChangeBase, op: required(text), members: required(members) }),
  unmute: object({ ...groupChangeBase, op: required(text), members: required(members) }),
  leave: object({ ...groupChangeBase, op: required(text) }),
  dismiss: object({ ...groupChangeBase, op: required(text) }),
  role: object({
    ...groupChangeBase,
    op: required(text),
    members: required(members),
    role: required(oneOf(['admin', 'member'] as const)),
  }),
  mute: object({
    ...groupChangeBase,
    op: required(text),
    members: required(members),
    durationMs: optional(integer(1, Number.MAX_SAFE_INTEGER)),
  }),
  muteAll: object({ ...groupChangeBase, op: required(text), on: required(boolean) }),
} as const;

/** Action 14: the fields depend on `op`. */
const changeGroup: Checker<unknown> = (v, path) => {
  const op = isPlainObject(v) ? v.op : undefined;
  if (op === undefined || op === null) throw new SchemaError('op is required');
  if (typeof op !== 'string' || !Object.hasOwn(groupChanges, op)) {
    throw new SchemaError(`op must be one of ${Object.keys(groupChanges).join(', ')}`);
  }
  return groupChanges[op as keyof typeof groupChanges](v, path);
};

const schemas = {
  [Action.Connect]: object({
    action: required(text),
    fromId: required(userId),
    token: optional(string({ max: 8192 })),
    since: optional(integer(0, Number.MAX_SAFE_INTEGER)),
    confirms: optional(boolean),
    noticesSince: optional(integer(0, Number.MAX_SAFE_INTEGER)),
  }),
  [Action.GetIds]: object({ action: required(text), fromId: required(userId) }),
  [Action.Message]: object({
    action: required(text),
    fromId: required(userId),
    toId: required(conversationId),
    chatMsg: required(
      object({
        id: required(msgId),
        type: required(oneOf([0, 1, 2] as const)),
        message: required(text),
        status: optional(integer(0, 2)),
        time: optional(string({ max: 64 })),
      }),
    ),
    store: optional(boolean),
  }),
  [Action.Status]: object({
    action: required(text),
    fromId: required(userId),
    toId: required(userOrGroupId),
    chatMsg: required(object({ id: required(msgId), status: required(oneOf([1, 2] as const)) })),
  }),
  [Action.Heartbeat]: object({ action: required(text), fromId: required(userId) }),
  [Action.Recall]: object({
    action: required(text),
    fromId: required(userId),
    toId: required(userOrGroupId),
    chatMsg: required(object({ id: required(msgId) })),
  }),
  [Action.Presence]: object({ action: required(text), fromId: required(userId), toId: required(userId) }),
  [Action.FriendRequest]: object({
    action: required(text),
    fromId: required(userId),
    toId: required(userId),
    chatMsg: optional(object({ message: optional(string({ max: 1024 })) })),
  }),
  [Action.FriendResponse]: object({
    action: required(text),
    fromId: required(userId),
    toId: required(userId),
    accepted: required(boolean),
  }),
  [Action.Unfriend]: object({ action: required(text), fromId: required(userId), toId: required(userId) }),
  [Action.Contacts]: object({ action: required(text), fromId: required(userId) }),
  [Action.History]: object({
    action: required(text),
    fromId: required(userId),
    toId: optional(userOrGroupId),
    baseMsgId: optional(msgId),
    baseSeq: optional(position),
    pageSize: optional(integer(1, Number.MAX_SAFE_INTEGER)),
  }),
  [Action.CreateGroup]: object({
    action: required(text),
    fromId: required(userId),
    name: required(groupName),
    members: optional(listOf(userId, 0, GROUP_CHANGE_MAX_MEMBERS)),
  }),
  [Action.ChangeGroup]: changeGroup,
  [Action.Groups]: object({ action: required(text), fromId: required(userId), toId: optional(groupId) }),
  [Action.Conversations]: object({
    action: required(text),
    fromId: required(userId),
    pageSize: optional(integer(1, Number.MAX_SAFE_INTEGER)),
    before: optional(string({ min: 1, max: 128 })),
  }),
  [Action.JoinRoom]: object({ action: required(text), fromId: required(userId), toId: required(roomId) }),
  [Action.LeaveRoom]: object({ action: required(text), fromId: required(userId), toId: required(roomId) }),
  [Action.Block]: object({
    action: required(text),
    fromId: required(userId),
    toId: required(userId),
    blocked: required(boolean),
  }),
  [Action.Blocked]: object({ action: required(text), fromId: required(userId) }),
  [Action.ReceivedThrough]: object({
    action: required(text),
    fromId: required(userId),
    seq: required(integer(1, Number.MAX_SAFE_INTEGER)),
  }),
} as const;

export type ParseResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: ErrorCodeValue; error: string; ref?: ErrorRef };

/** Largest action number accepted as a JSON number (`1` for `"1"`). */
const MAX_NUMERIC_ACTION = 1_000_000;

/**
 * `action` as the string the protocol names it by: a string as it is, a non-negative integer as its
 * decimal digits (many clients write `1` for `"1"`); anything else is undefined.
 */
export function actionOf(action: unknown): string | undefined {
  if (typeof action === 'string') return action;
  if (typeof action === 'number' && Number.isInteger(action) && action >= 0 && action <= MAX_NUMERIC_ACTION)
    return String(action);
  return undefined;
}

/** What identifies a request, for the `ref` of an error reply. */
export function refOf(value: unknown): ErrorRef | undefined {
  if (!isPlainObject(value)) return undefined;
  const ref: ErrorRef = {};
  const action = actionOf(value.action);
  if (action !== undefined && action.length <= 16) ref.action = action;
  const chatMsg = value.chatMsg;
  if (isPlainObject(chatMsg) && typeof chatMsg.id === 'string' && chatMsg.id.length <= 32)
    ref.id = chatMsg.id;
  return ref.action === undefined && ref.id === undefined ? undefined : ref;
}

/** Validates a decoded JSON value as a client frame. */
export function validateClientFrame(value: unknown): ParseResult {
  if (!isPlainObject(value)) {
    return { ok: false, code: ErrorCode.BadRequest, error: 'a frame must be a JSON object' };
  }
  const action = value.action;
  if (action === undefined || action === null) {
    return { ok: false, code: ErrorCode.BadRequest, error: 'action is required', ref: refOf(value) };
  }
  const name = actionOf(action);
  if (name === undefined) {
    return {
      ok: false,
      code: ErrorCode.BadRequest,
      error: 'action must be a string such as "1" (or a non-negative integer)',
      ref: refOf(value),
    };
  }
  const schema = Object.hasOwn(schemas, name) ? schemas[name as keyof typeof schemas] : undefined;
  if (!schema)
    return {
      ok: false,
      code: ErrorCode.UnknownAction,
      error: `unknown action ${JSON.stringify(name)}`,
      ref: refOf(value),
    };
  try {
    // the frame carries the action as a string from here on, whichever way the client wrote it
    const frame = name === action ? value : { ...value, action: name };
    return { ok: true, frame: schema(frame, '') as ClientFrame };
  } catch (err) {
    if (err instanceof SchemaError)
      return { ok: false, code: ErrorCode.BadRequest, error: err.message, ref: refOf(value) };
    throw err;
  }
}

/**
 * Parses one text frame: JSON, then the frame schema. The frames every message costs, written the
 * usual way, take a shorter path with the same outcome (see `parseHotFrame`).
 */
export function parseClientFrame(text: string): ParseResult {
  const hot = parseHotFrame(text);
  if (hot !== undefined) return { ok: true, frame: hot };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: ErrorCode.BadJson, error: 'the frame is not valid JSON' };
  }
  return validateClientFrame(value);
}
