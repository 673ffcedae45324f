import { type IssuedToken, isUserId } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { TokenService } from '../auth/tokens.js';
import { bearer, sameSecret } from './bearer.js';
import { HttpError, sendJson } from './http-error.js';
import { bodyRequired } from './json-body.js';
import { objectBody, responses, userIdSchema } from './schemas.js';

export const DEFAULT_TOKEN_TTL_S = 24 * 3600;
export const MAX_TOKEN_TTL_S = 30 * 24 * 3600;

const USER_REASON = 'userId must be a user id (1-64 of letters, digits, _ . @ : + -)';
const TTL_REASON = `ttlSeconds must be an integer from 1 to ${MAX_TOKEN_TTL_S}`;

/**
 * B1: `POST /v1/tokens`, called by the app's backend with the app secret, issues a user token
 * (the MIMC model: the backend holds the secret, clients hold only tokens).
 */
export function addTokenRoutes(
  app: FastifyInstance,
  tokens: TokenService | undefined,
  config: { appSecret: string | undefined },
): void {
  app.post(
    '/v1/tokens',
    {
      // the secret is checked before the body is read or validated
      onRequest: async (req) => {
        if (!tokens || config.appSecret === undefined)
          throw new HttpError(400, 'AUTH_DISABLED', 'token auth is off on this server (no APP_SECRET)');
        if (!sameSecret(bearer(req.raw), config.appSecret))
          throw new HttpError(401, 'AUTH_FAILED', 'this call needs Authorization: Bearer <app secret>');
      },
      preValidation: bodyRequired,
      schema: {
        tags: ['tokens'],
        security: [{ appSecret: [] }],
        summary: 'Issues a user token (called by the app backend with APP_SECRET)',
        body: objectBody(
          {
            userId: { ...userIdSchema, 'x-reason': USER_REASON },
            ttlSeconds: { type: 'integer', minimum: 1, maximum: MAX_TOKEN_TTL_S, 'x-reason': TTL_REASON },
          },
          ['userId'],
        ),
        response: responses(
          {
            200: {
              type: 'object',
              required: ['userId', 'token'],
              properties: {
                userId: { type: 'string' },
                token: { type: 'string' },
                expiresAt: { type: 'number' },
              },
              additionalProperties: true,
            },
          },
          [400, 401, 413],
        ),
      },
    },
    async (req, reply) => {
      const body = req.body as { userId?: unknown; ttlSeconds?: unknown };
      const userId = body.userId;
      if (!tokens || !isUserId(userId)) throw new HttpError(400, 'BAD_REQUEST', USER_REASON);
      const ttl = body.ttlSeconds ?? DEFAULT_TOKEN_TTL_S;
      if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_S)
        throw new HttpError(400, 'BAD_REQUEST', TTL_REASON);
      const answer: IssuedToken = { userId, ...(await tokens.issue(userId, ttl)) };
      return sendJson(reply, 200, answer);
    },
  );
}
