import { type IssuedToken, isUserId } from '@parley/protocol';
import type { TokenService } from '../auth/tokens.js';
import { bearer, sameSecret } from './bearer.js';
import { readJson } from './body.js';
import { HttpError, sendJson } from './http-error.js';
import type { HttpRouter } from './router.js';

export const DEFAULT_TOKEN_TTL_S = 24 * 3600;
export const MAX_TOKEN_TTL_S = 30 * 24 * 3600;

/**
 * B1: `POST /v1/tokens`, called by the app's backend with the app secret, issues a user token
 * (the MIMC model: the backend holds the secret, clients hold only tokens).
 */
export function addTokenRoutes(
  router: HttpRouter,
  tokens: TokenService | undefined,
  config: { appSecret: string | undefined; bodyLimit: number },
): void {
  router.on('POST', '/v1/tokens', async (req, res) => {
    if (!tokens || config.appSecret === undefined) {
      throw new HttpError(400, 'AUTH_DISABLED', 'token auth is off on this server (no APP_SECRET)');
    }
    if (!sameSecret(bearer(req), config.appSecret)) {
      throw new HttpError(401, 'AUTH_FAILED', 'this call needs Authorization: Bearer <app secret>');
    }
    const body = (await readJson(req, config.bodyLimit)) as { userId?: unknown; ttlSeconds?: unknown } | null;
    const userId = body?.userId;
    if (!isUserId(userId))
      throw new HttpError(
        400,
        'BAD_REQUEST',
        'userId must be a user id (1-64 of letters, digits, _ . @ : + -)',
      );
    const ttl = body?.ttlSeconds ?? DEFAULT_TOKEN_TTL_S;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_S) {
      throw new HttpError(400, 'BAD_REQUEST', `ttlSeconds must be an integer from 1 to ${MAX_TOKEN_TTL_S}`);
    }
    const answer: IssuedToken = { userId, ...(await tokens.issue(userId, ttl)) };
    sendJson(res, 200, answer);
  });
}
