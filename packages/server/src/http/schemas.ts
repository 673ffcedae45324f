import { GROUP_ID_PATTERN, USER_ID_PATTERN } from '@parley/protocol';

/**
 * JSON schemas shared by the routes. They validate requests (Ajv, no type coercion) and make the
 * OpenAPI document. `x-reason` is the refusal's reason when a value fails its schema; without one
 * the reason is the field's name and Ajv's message.
 */
export type Schema = Record<string, unknown>;

export const errorBody: Schema = {
  type: 'object',
  required: ['code', 'error'],
  properties: { code: { type: 'string' }, error: { type: 'string' } },
};

export const userIdSchema: Schema = {
  type: 'string',
  pattern: USER_ID_PATTERN.source,
  'x-reason': 'user ids are 1 to 64 of letters, digits and _ . @ : + -',
};

export const groupIdSchema: Schema = { type: 'string', pattern: GROUP_ID_PATTERN.source };

export const userIdParams: Schema = {
  type: 'object',
  required: ['id'],
  properties: { id: userIdSchema },
};

export const groupIdParams: Schema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'a group id (~...)' } },
};

/** A JSON object body with these properties. */
export function objectBody(properties: Record<string, Schema>, required: string[] = []): Schema {
  return {
    type: 'object',
    'x-reason': 'the body must be a JSON object',
    properties,
    ...(required.length > 0 && { required }),
  };
}

/** Responses: the success status with its body, and the refusals a route gives. */
export function responses(ok: Record<number, Schema>, refusals: number[]): Record<number, Schema> {
  const out: Record<number, Schema> = { ...ok };
  for (const status of refusals) out[status] = { description: 'refused', ...errorBody };
  return out;
}

/** Refusals of every call behind the admin key. */
export const ADMIN_REFUSALS = [401, 403];

export const anyObject: Schema = { type: 'object', additionalProperties: true };
