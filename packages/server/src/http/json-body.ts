import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';

/**
 * Request bodies of the API are JSON whatever their Content-Type says (or without one), parsed
 * with plain JSON.parse (an id such as `__proto__` is a key like any other). Fastify enforces the
 * byte limit (413) while reading.
 */
export function parseJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, text, done) => {
    if ((text as string).trim() === '') {
      done(new HttpError(400, 'BAD_REQUEST', 'a JSON body is required'), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text as string));
    } catch {
      done(new HttpError(400, 'BAD_JSON', 'the body is not valid JSON'), undefined);
    }
  });
}

/** preValidation of routes whose body is required: a request without one is refused by name. */
export async function bodyRequired(req: FastifyRequest): Promise<void> {
  if (req.body === undefined) throw new HttpError(400, 'BAD_REQUEST', 'a JSON body is required');
}

/** preValidation of routes whose body is optional: none is `{}`. */
export async function bodyOptional(req: FastifyRequest): Promise<void> {
  if (req.body === undefined) req.body = {};
}
