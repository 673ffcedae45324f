import type { Credentials } from './credentials.js';
import { USER_ID } from './credentials.js';

export class TokenUrlError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TokenUrlError';
  }
}

export interface IssuedUserToken {
  userId: string;
  token: string;
}

/**
 * Asks the app's backend for a user token: `GET <WEB_TOKEN_URL>` with the page's cookies (the
 * backend knows who is signed in to the app), answered with `{userId, token}` (what
 * `POST /v1/tokens` returns, so a backend may pass that answer on as it is).
 */
export async function fetchToken(tokenUrl: string): Promise<IssuedUserToken> {
  let res: Response;
  try {
    res = await fetch(tokenUrl, {
      credentials: 'include',
      cache: 'no-store',
      headers: { accept: 'application/json' },
    });
  } catch {
    throw new TokenUrlError(`could not reach the token service (${tokenUrl})`);
  }
  if (res.status === 401 || res.status === 403) {
    throw new TokenUrlError('the app does not know you yet: sign in to the app first', res.status);
  }
  if (!res.ok) throw new TokenUrlError(`the token service answered HTTP ${res.status}`, res.status);
  const body = (await res.json().catch(() => undefined)) as Partial<IssuedUserToken> | undefined;
  if (typeof body?.userId !== 'string' || !USER_ID.test(body.userId) || typeof body.token !== 'string') {
    throw new TokenUrlError('the token service did not answer {userId, token}');
  }
  return { userId: body.userId, token: body.token };
}

/** Credentials that ask the token URL again for each connection (the first token is used once). */
export function tokenUrlCredentials(tokenUrl: string, first: IssuedUserToken): Credentials {
  let spare: string | undefined = first.token;
  return {
    userId: first.userId,
    resume: { mode: 'token-url', userId: first.userId },
    getToken: async () => {
      if (spare !== undefined) {
        const token = spare;
        spare = undefined;
        return token;
      }
      const next = await fetchToken(tokenUrl);
      if (next.userId !== first.userId) throw new TokenUrlError('the app signed you in as someone else');
      return next.token;
    },
  };
}
