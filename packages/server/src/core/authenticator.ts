/** What a successful check knows of the credential: when its token was issued (none: open mode). */
export interface AuthGrant {
  issuedAtMs: number | undefined;
}

/** Decides whether a connection may act as `userId` (action 1). */
export interface Authenticator {
  /** Resolves when the user may connect; rejects with a reason it can show the client otherwise. */
  check(userId: string, token: string | undefined): Promise<AuthGrant | undefined>;
}

/** Open mode: anyone may connect as anyone (local use only). */
export const openAuthenticator: Authenticator = { check: async () => undefined };

/**
 * Whether a token issued at `issuedAtMs` is refused by a revocation of the user's tokens issued
 * before `validFromMs` (0: none). A token without `iat` cannot show it is newer: it is refused.
 */
export function revoked(issuedAtMs: number | undefined, validFromMs: number): boolean {
  return validFromMs > 0 && (issuedAtMs === undefined || issuedAtMs < validFromMs);
}
