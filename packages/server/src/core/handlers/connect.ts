import { CloseCode, type ConnectFrame, ErrorCode } from '@parley/protocol';
import type { Delivery } from '../../bus/bus.js';
import { CoreError } from '../core-error.js';
import type { Session } from '../session.js';
import { deliveryFrame, messageKey, noticeKey } from '../wire.js';

/** Action 1: bind the connection to its user, reply, then replay everything stored for the user. */
export async function connect(s: Session, f: ConnectFrame): Promise<void> {
  if (s.userId !== undefined) {
    if (s.userId !== f.fromId)
      throw new CoreError(ErrorCode.Forbidden, `this connection is already ${s.userId}`);
    s.reply({ action: '1', toId: f.fromId });
    return;
  }
  const { store, config, log, auth, router } = s.core;
  try {
    await auth.check(f.fromId, f.token);
  } catch (err) {
    log.warn(
      { user: f.fromId, remote: s.peer.remote, reason: (err as Error).message },
      'authentication failed',
    );
    throw new CoreError(ErrorCode.AuthFailed, (err as Error).message, CloseCode.AuthFailed);
  }
  const max = config.maxConnectionsPerUser;
  if (max > 0 && router.sessionsOf(f.fromId).size >= max) {
    throw new CoreError(
      ErrorCode.RateLimited,
      `at most ${max} connections per user`,
      CloseCode.PolicyViolation,
    );
  }
  const user = await store.ensureUser(f.fromId);
  if (s.isClosed) return;
  s.bind(user.id);
  s.reply({ action: '1', toId: user.id });
  log.info({ user: user.id, remote: s.peer.remote }, 'connected');
  await replayBacklog(s, user.id);
  s.goLive();
}

/** Messages first, oldest first, then notices (read receipts, ...). */
async function replayBacklog(s: Session, userId: string): Promise<void> {
  const { store, time } = s.core;
  await replayPages(
    s,
    (after, limit) => store.pendingMessages(userId, after, limit),
    (m) => ({ userId, frame: deliveryFrame(m, time), key: messageKey(m.seq) }),
    (m) => m.seq,
  );
  await replayPages(
    s,
    (after, limit) => store.pendingNotices(userId, after, limit),
    (n) => ({ userId, frame: n.frame, key: noticeKey(n.id) }),
    (n) => n.id,
  );
}

/**
 * Sends a stored backlog page by page. Whenever the connection's send queue passes its high-water
 * mark, waits until the frame just sent has reached the socket, so a long backlog never floods
 * the connection (nor gets it cut off as a slow consumer).
 */
async function replayPages<T>(
  s: Session,
  fetch: (after: number, limit: number) => Promise<T[]>,
  toDelivery: (item: T) => Delivery,
  cursor: (item: T) => number,
): Promise<void> {
  const limit = s.core.config.replayPageSize;
  for (let after = 0; !s.isClosed; ) {
    const page = await fetch(after, limit);
    if (page.length === 0) return;
    for (const item of page) {
      if (s.peer.bufferedAmount < s.peer.highWaterMark) s.replay(toDelivery(item));
      else await new Promise<void>((resolve) => s.replay(toDelivery(item), () => resolve()));
    }
    if (page.length < limit) return;
    after = cursor(page[page.length - 1]!);
  }
}
