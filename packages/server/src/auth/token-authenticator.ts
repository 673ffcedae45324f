import { type Authenticator, type AuthGrant, revoked } from '../core/authenticator.js';
import type { TokenService } from './tokens.js';
import { TokenError } from './tokens.js';

/**
 * With an app secret configured: action 1 must carry a valid token for exactly its `fromId`, not
 * issued before the user's tokens were revoked (`validFrom`, from the store: 0 when never).
 */
export class TokenAuthenticator implements Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly validFrom: (userId: string) => Promise<number> = async () => 0,
  ) {}

  async check(userId: string, token: string | undefined): Promise<AuthGrant> {
    if (token === undefined) throw new TokenError('action 1 needs a token on this server');
    const claims = await this.tokens.verifyClaims(token);
    if (claims.userId !== userId) throw new TokenError('the token is for another user');
    if (revoked(claims.issuedAtMs, await this.validFrom(userId)))
      throw new TokenError('the token was revoked: tokens of this user issued before a time are refused');
    return { issuedAtMs: claims.issuedAtMs };
  }
}
