import { type BlockedFrame, type BlockFrame, ErrorCode } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import type { Session } from '../session.js';

/**
 * Action 20: block or unblock a user. Its messages, friend requests and transient frames to the
 * blocker are refused with BLOCKED from then on; the frame is echoed as confirmation.
 */
export async function block(s: Session, f: BlockFrame): Promise<void> {
  if (f.toId === f.fromId) throw new CoreError(ErrorCode.BadRequest, 'you cannot block yourself');
  const r = await s.ctx.write({
    kind: 'block',
    userId: f.fromId,
    otherId: f.toId,
    blocked: f.blocked,
    timeMs: s.ctx.clock.now(),
  });
  if (r.outcome === 'unknown_user') throw new CoreError(ErrorCode.UnknownUser, `no user ${f.toId}`);
  s.reply({ action: '20', fromId: f.fromId, toId: f.toId, blocked: f.blocked });
}

/** Action 21: the users the sender blocked. */
export async function blocked(s: Session, f: BlockedFrame): Promise<void> {
  s.reply({ action: '21', toId: f.fromId, blocked: await s.ctx.store.blockedUsers(f.fromId) });
}
