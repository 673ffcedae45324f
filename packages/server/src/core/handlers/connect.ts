import { CloseCode, type ConnectFrame, ErrorCode } from '@parley/protocol';
import type { Delivery } from '../../bus/bus.js';
import type { Notice, TimelineEntry } from '../../store/store.js';
import { revokedAfterCheck } from '../admin/revocation.js';
import type { AuthGrant } from '../authenticator.js';
import { CoreError } from '../core-error.js';
import { groupEntryDelivery } from '../groups/group-wire.js';
import type { Session } from '../session.js';
import { entryDelivery } from '../wire.js';

/** Action 1: bind the connection to its user, reply, then replay everything stored for the user. */
export async function connect(s: Session, f: ConnectFrame): Promise<void> {
  if (s.userId !== undefined) {
    if (s.userId !== f.fromId)
      throw new CoreError(ErrorCode.Forbidden, `this connection is already ${s.userId}`);
    s.reply({ action: '1', toId: f.fromId });
    return;
  }
  const { config, log, auth, presence } = s.ctx;
  let grant: AuthGrant | undefined;
  try {
    grant = await auth.check(f.fromId, f.token);
  } catch (err) {
    log.warn(
      { user: f.fromId, remote: s.peer.remote, reason: (err as Error).message },
      'authentication failed',
    );
    throw new CoreError(ErrorCode.AuthFailed, (err as Error).message, CloseCode.AuthFailed);
  }
  const max = config.maxConnectionsPerUser;
  if (max > 0 && presence.sessionsOf(f.fromId).size >= max) {
    throw new CoreError(
      ErrorCode.RateLimited,
      `at most ${max} connections per user`,
      CloseCode.PolicyViolation,
    );
  }
  const user = await s.ctx.users.ensureUser(f.fromId);
  if (s.isClosed) return;
  // a client that confirms keeps its messages pending until it does; others prove receipt by pong
  s.confirms = f.confirms === true;
  // seed clients get notice frames exactly as before; those that may sync notices get their ids
  s.noticeIds = s.confirms || f.noticesSince !== undefined;
  s.tokenIssuedMs = grant?.issuedAtMs;
  try {
    // live routing to this node is in place before the backlog is read: nothing falls between
    await s.bind(user.id);
    if (await revokedAfterCheck(s, user.id, grant)) return;
    // everything stored up to here is the backlog's; what commits later comes live, in order
    s.startAt(await s.ctx.store.seqHead(user.id));
    if (s.isClosed) return;
    s.reply({ action: '1', toId: user.id });
    log.info({ user: user.id, remote: s.peer.remote }, 'connected');
    await replayBacklog(s, user.id, f.since, f.noticesSince);
  } catch (err) {
    replayFailed(s, user.id, err);
    return;
  }
  s.goLive();
}

/** A replay that did not finish ends the connection; what it did not send stays pending. */
function replayFailed(s: Session, userId: string, err: unknown): void {
  const { log } = s.ctx;
  if (err instanceof ReplayStalled) {
    log.warn(
      { user: userId, remote: s.peer.remote, replayStallMs: err.ms },
      'backlog replay stalled (the client does not read): connection dropped',
    );
    s.abort();
    return;
  }
  log.error({ err, user: userId, remote: s.peer.remote }, 'backlog replay failed: connection closed (1011)');
  s.sendError(ErrorCode.Internal, 'backlog replay failed; reconnect to receive it', { action: '1' });
  s.closeWith(CloseCode.InternalError, 'backlog replay failed');
}

/** The replay waited longer than `replayStallMs` for a frame to reach the socket. */
class ReplayStalled extends Error {
  constructor(readonly ms: number) {
    super(`no replay progress for ${ms} ms`);
  }
}

/** A device catching up with `since` gets at most this many messages; older ones are in history. */
export const SYNC_MAX = 1000;

/**
 * Messages first, oldest first, then each group's entries the member has not received, then
 * notices (read receipts, ...). Messages are those pending for the user, or, for a device that
 * says what it has (`since`), every message of its timeline after it; notices likewise are those
 * not yet delivered, or every notice after `noticesSince`.
 */
async function replayBacklog(
  s: Session,
  userId: string,
  since: number | undefined,
  noticesSince: number | undefined,
): Promise<void> {
  const { store, time } = s.ctx;
  const toDelivery = (m: TimelineEntry): Delivery => entryDelivery(m, userId, time);
  if (since === undefined) {
    await replayPages(
      s,
      (after, limit) => store.pendingMessages(userId, after, limit),
      toDelivery,
      (m) => m.seq,
    );
  } else {
    // the device has everything up to `since`: that confirms it, also where a confirmation was lost
    await s.ctx.write({ kind: 'confirmThrough', userId, seq: since });
    await sendAll(s, (await store.inboxSince(userId, since, SYNC_MAX)).map(toDelivery));
  }
  for (const g of await store.groupsToSync(userId)) {
    // what commits after this read comes live, after the backlog, in order
    s.startAt(g.endSeq, g.groupId);
    await replayPages(
      s,
      (after, limit) => store.groupEntries(g.groupId, Math.max(after, g.deliveredSeq), g.endSeq, limit),
      (e) => groupEntryDelivery(e, userId, time),
      (e) => e.seq,
    );
  }
  const toNotice = (n: Notice): Delivery => ({ kind: 'notice', userId, noticeId: n.id, frame: n.frame });
  if (noticesSince === undefined) {
    await replayPages(
      s,
      (after, limit) => store.pendingNotices(userId, after, limit),
      toNotice,
      (n) => n.id,
    );
  } else {
    // every notice after the device's cursor, also those another device received already
    await sendAll(s, (await store.noticesSince(userId, noticesSince, SYNC_MAX)).map(toNotice));
  }
}

/** Sends a stored backlog page by page. */
async function replayPages<T>(
  s: Session,
  fetch: (after: number, limit: number) => Promise<T[]>,
  toDelivery: (item: T) => Delivery,
  cursor: (item: T) => number,
): Promise<void> {
  const limit = s.ctx.config.replayPageSize;
  for (let after = 0; !s.isClosed; ) {
    const page = await fetch(after, limit);
    await sendAll(s, page.map(toDelivery));
    if (page.length < limit) return;
    after = cursor(page[page.length - 1]!);
  }
}

/**
 * Replays frames in order. Whenever the connection's send queue passes its high-water mark, waits
 * until the frame just sent has reached the socket, so a long backlog never floods the connection
 * (nor gets it cut off as a slow consumer).
 */
async function sendAll(s: Session, deliveries: Delivery[]): Promise<void> {
  for (const d of deliveries) {
    if (s.peer.bufferedAmount < s.peer.highWaterMark) s.replay(d);
    else await replayWritten(s, d);
  }
}

/** Replays one frame and waits until it reached the socket, at most `replayStallMs`. */
function replayWritten(s: Session, d: Delivery): Promise<void> {
  const ms = s.ctx.config.replayStallMs;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ReplayStalled(ms)), ms);
    s.replay(d, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
