import { type ConnectFrame, ErrorCode } from '@parley/protocol';
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
  const { store, config, log } = s.core;
  const user = config.open ? await store.ensureUser(f.fromId) : await store.getUser(f.fromId);
  if (!user) throw new CoreError(ErrorCode.UnknownUser, `no user ${f.fromId}`);
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

/** Sends a stored backlog page by page, each page only once the previous one reached the socket. */
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
    await new Promise<void>((resolve) => {
      const last = page.length - 1;
      for (let i = 0; i <= last; i++)
        s.replay(toDelivery(page[i]!), i === last ? () => resolve() : undefined);
    });
    if (page.length < limit) return;
    after = cursor(page[page.length - 1]!);
  }
}
