import type { Authenticator } from '../core/authenticator.js';
import type { TokenService } from './tokens.js';
import { TokenError } from './tokens.js';

/** With an app secret configured: action 1 must carry a valid token for exactly its `fromId`. */
export class TokenAuthenticator implements Authenticator {
  constructor(private readonly tokens: TokenService) {}

  async check(userId: string, token: string | undefined): Promise<void> {
    if (token === undefined) throw new TokenError('action 1 needs a token on this server');
    const subject = await this.tokens.verify(token);
    if (subject !== userId) throw new TokenError('the token is for another user');
  }
}
