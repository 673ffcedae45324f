import { CloseCode, ErrorCode } from '@parley/protocol';
import { type AuthGrant, revoked } from '../authenticator.js';
import type { Session } from '../session.js';

/**
 * Right after a connection is bound to its user: were the user's tokens revoked after its token
 * was checked? A revocation that committed before the bind published its kick when this
 * connection could not receive it yet, so it is looked up once more; one that commits later
 * reaches the connection as a kick. Closes the connection (4401) and says so when it was.
 */
export async function revokedAfterCheck(
  s: Session,
  userId: string,
  grant: AuthGrant | undefined,
): Promise<boolean> {
  if (grant === undefined) return false; // open mode: no tokens
  if (!revoked(grant.issuedAtMs, await s.ctx.store.tokensValidFrom(userId))) return false;
  const reason = 'the token was revoked: tokens of this user issued before a time are refused';
  s.sendError(ErrorCode.AuthFailed, reason, { action: '1' });
  s.closeWith(CloseCode.AuthFailed, 'the token was revoked');
  return true;
}
