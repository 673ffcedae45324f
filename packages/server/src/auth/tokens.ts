import { errors, jwtVerify, SignJWT } from 'jose';

export const MIN_SECRET_LENGTH = 32;
const ISSUER = 'parley';

/**
 * User tokens: JWTs signed with the app secret (HS256), `sub` = the user id, `exp` required.
 * The app's backend gets them from `POST /v1/tokens` or mints them itself with the same secret.
 */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    if (secret.length < MIN_SECRET_LENGTH)
      throw new Error(`the app secret must have at least ${MIN_SECRET_LENGTH} characters`);
    this.key = new TextEncoder().encode(secret);
  }

  async issue(
    userId: string,
    ttlSeconds: number,
    now = Date.now(),
  ): Promise<{ token: string; expiresAt: number }> {
    const exp = Math.floor(now / 1000) + ttlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      // in seconds with the milliseconds (a NumericDate may be fractional): a revocation at a
      // given instant tells tokens issued just before it from those issued just after
      .setIssuedAt(now / 1000)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: exp * 1000 };
  }

  /** The user a valid token names; throws TokenError with the reason otherwise. */
  async verify(token: string): Promise<string> {
    return (await this.verifyClaims(token)).userId;
  }

  /** The user a valid token names and when it was issued (`iat`, if it has one), in epoch ms. */
  async verifyClaims(token: string): Promise<{ userId: string; issuedAtMs: number | undefined }> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
      });
      return { userId: payload.sub!, issuedAtMs: payload.iat === undefined ? undefined : payload.iat * 1000 };
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new TokenError('the token has expired');
      throw new TokenError('the token is not valid');
    }
  }
}

export class TokenError extends Error {}
