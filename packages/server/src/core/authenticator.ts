/** Decides whether a connection may act as `userId` (action 1). */
export interface Authenticator {
  /** Resolves when the user may connect; rejects with a reason it can show the client otherwise. */
  check(userId: string, token: string | undefined): Promise<void>;
}

/** Open mode: anyone may connect as anyone (local use only). */
export const openAuthenticator: Authenticator = { check: async () => {} };
