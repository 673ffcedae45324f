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
    const iat = Math.floor(now / 1000);
    const exp = iat + ttlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: exp * 1000 };
  }

  /** The user a valid token names; throws TokenError with the reason otherwise. */
  async verify(token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
      });
      return payload.sub!;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new TokenError('the token has expired');
      throw new TokenError('the token is not valid');
    }
  }
}

export class TokenError extends Error {}
