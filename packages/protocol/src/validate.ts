import { Action } from './actions.js';
import { ErrorCode, type ErrorCodeValue } from './errors.js';
import type { ClientFrame, ErrorRef } from './frames.js';
import { USER_ID_PATTERN } from './ids.js';
import {
  boolean,
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

const schemas = {
  [Action.Connect]: object({
    action: required(text),
    fromId: required(userId),
    token: optional(string({ max: 8192 })),
    since: optional(integer(0, Number.MAX_SAFE_INTEGER)),
  }),
  [Action.GetIds]: object({ action: required(text), fromId: required(userId) }),
  [Action.Message]: object({
    action: required(text),
    fromId: required(userId),
    toId: required(userId),
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
    toId: required(userId),
    chatMsg: required(object({ id: required(msgId), status: required(oneOf([1, 2] as const)) })),
  }),
  [Action.Heartbeat]: object({ action: required(text), fromId: required(userId) }),
  [Action.Recall]: object({
    action: required(text),
    fromId: required(userId),
    toId: required(userId),
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
    toId: optional(userId),
    baseMsgId: optional(msgId),
    pageSize: optional(integer(1, Number.MAX_SAFE_INTEGER)),
  }),
} as const;

export type ParseResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: ErrorCodeValue; error: string; ref?: ErrorRef };

/** What identifies a request, for the `ref` of an error reply. */
export function refOf(value: unknown): ErrorRef | undefined {
  if (!isPlainObject(value)) return undefined;
  const ref: ErrorRef = {};
  if (typeof value.action === 'string' && value.action.length <= 16) ref.action = value.action;
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
  const ref = refOf(value);
  const action = value.action;
  if (action === undefined || action === null) {
    return { ok: false, code: ErrorCode.BadRequest, error: 'action is required', ref };
  }
  if (typeof action !== 'string') {
    return { ok: false, code: ErrorCode.BadRequest, error: 'action must be a string, e.g. "1"', ref };
  }
  const schema = Object.hasOwn(schemas, action) ? schemas[action as keyof typeof schemas] : undefined;
  if (!schema)
    return {
      ok: false,
      code: ErrorCode.UnknownAction,
      error: `unknown action ${JSON.stringify(action)}`,
      ref,
    };
  try {
    return { ok: true, frame: schema(value, '') as ClientFrame };
  } catch (err) {
    if (err instanceof SchemaError) return { ok: false, code: ErrorCode.BadRequest, error: err.message, ref };
    throw err;
  }
}

/** Parses one text frame: JSON, then the frame schema. */
export function parseClientFrame(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: ErrorCode.BadJson, error: 'the frame is not valid JSON' };
  }
  return validateClientFrame(value);
}
