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
    confirms: optional(boolean),
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
  const ref = refOf(value);
  const action = value.action;
  if (action === undefined || action === null) {
    return { ok: false, code: ErrorCode.BadRequest, error: 'action is required', ref };
  }
  const name = actionOf(action);
  if (name === undefined) {
    return {
      ok: false,
      code: ErrorCode.BadRequest,
      error: 'action must be a string such as "1" (or a non-negative integer)',
      ref,
    };
  }
  const schema = Object.hasOwn(schemas, name) ? schemas[name as keyof typeof schemas] : undefined;
  if (!schema)
    return {
      ok: false,
      code: ErrorCode.UnknownAction,
      error: `unknown action ${JSON.stringify(name)}`,
      ref,
    };
  try {
    // the frame carries the action as a string from here on, whichever way the client wrote it
    const frame = name === action ? value : { ...value, action: name };
    return { ok: true, frame: schema(frame, '') as ClientFrame };
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
