import type { FastifySchemaValidationError, SchemaErrorDataVar } from 'fastify/types/schema.js';

interface VerboseError extends FastifySchemaValidationError {
  parentSchema?: Record<string, unknown>;
}

/**
 * The reason of a request that fails its route's schema, naming the field: the schema's
 * `x-reason` when it has one, else `<field> is required` or `<field> <Ajv's message>`.
 */
export function formatSchemaErrors(
  errors: FastifySchemaValidationError[],
  dataVar: SchemaErrorDataVar,
): Error {
  const e = errors[0] as VerboseError | undefined;
  if (!e) return new Error(`${dataVar} is not valid`);
  const parent = e.parentSchema ?? {};
  if (e.keyword === 'required') {
    const field = String((e.params as { missingProperty?: unknown }).missingProperty);
    const props = (parent.properties ?? {}) as Record<string, Record<string, unknown>>;
    const reason = props[field]?.['x-reason'];
    return new Error(typeof reason === 'string' ? reason : `${field} is required`);
  }
  const reason = parent['x-reason'];
  if (typeof reason === 'string') return new Error(reason);
  const field = e.instancePath.split('/').filter(Boolean).join('.') || dataVar;
  return new Error(`${field} ${e.message ?? 'is not valid'}`);
}
