import { randomBytes } from 'node:crypto';
import {
  type ClientFrame,
  CloseCode,
  ErrorCode,
  type ErrorCodeValue,
  type ErrorFrame,
  type ErrorRef,
  refOf,
  type ServerFrame,
} from '@parley/protocol';
import type { Delivery, KickDelivery, MessageDelivery, RecallDelivery } from '../bus/bus.js';
import type { CoreContext } from './context.js';
import { CoreError } from './core-error.js';
import { DeliveryProofs } from './delivery-proofs.js';
import { groupEntryDelivery } from './groups/group-wire.js';
import { handlers } from './handlers/index.js';
import type { Peer } from './peer.js';
import { entryDelivery } from './wire.js';

type Phase = 'new' | 'replaying' | 'live' | 'closed';

/** Connection ids: unique across nodes (a random prefix per process), to tell a frame's origin. */
const NODE_PREFIX = randomBytes(6).toString('base64url');
let sessionCounter = 0;

/**
 * One client connection after the gateway: the connected user, the frames it sends, and the
 * frames routed to it. Until action 1 has completed, later frames wait their turn.
 */
export class Session {
  userId: string | undefined;
  /** This connection, as the origin of what it sends (a group message is not echoed to it). */
  readonly id = `${NODE_PREFIX}.${++sessionCounter}`;
  private phase: Phase = 'new';
  /** Frames that arrived while action 1 was being handled run after it, in order. */
  private gate: Promise<void> | undefined;
  /** How many frames wait behind the gate, and whether that made us stop reading the peer. */
  private waiting = 0;
  private paused = false;
  /**
   * Live deliveries that arrive while the backlog is replayed, and the notices already replayed
   * (messages need no such set: one at or below `lastSeq` was sent already). Made when needed.
   */
  private held: Delivery[] | undefined;
  private heldBytes = 0;
  private replayedNotices: Set<number> | undefined;
  /** This connection has every message of its user's timeline up to here that it should get. */
  private lastSeq = 0;
  /** The same per group: the position of each group's timeline this connection is at. */
  private groupSeqs: Map<string, number> | undefined;
  /**
   * Whether the client said in action 1 that it confirms what it receives (`confirms`). If not (a
   * client written from the seed, which never confirms), a message counts as delivered once the
   * client's WebSocket has answered a ping sent after it.
   */
  confirms = false;
  /** Whether notice frames carry their `nid` (clients that confirm or sync notices: the SDK). */
  noticeIds = false;
  /** When the token this connection authenticated with was issued (undefined: none, open mode). */
  tokenIssuedMs: number | undefined;
  /** Delivery proofs by ping, for clients that do not confirm and for group entries. */
  private readonly proofs: DeliveryProofs;

  constructor(
    readonly ctx: CoreContext,
    readonly peer: Peer,
  ) {
    this.proofs = new DeliveryProofs(peer, this);
  }

  receive(frame: ClientFrame): void {
    const receivedAt = performance.now();
    if (this.gate) {
      this.queued(+1);
      const next = this.gate.then(() => {
        this.queued(-1);
        return this.dispatch(frame, receivedAt);
      });
      this.track(next);
      return;
    }
    const run = this.dispatch(frame, receivedAt);
    if (frame.action === '1') this.track(run);
  }

  /**
   * Counts the frames waiting behind action 1. A full queue stops reading from the peer, so that
   * further frames stay in the socket buffers (TCP backpressure) rather than in memory; reading
   * resumes once the queue is half empty.
   */
  private queued(delta: number): void {
    this.waiting += delta;
    const max = this.ctx.config.maxQueuedFrames;
    if (!this.paused && this.waiting >= max) {
      this.paused = true;
      this.peer.pauseReading();
    } else if (this.paused && this.waiting <= max / 2) {
      this.paused = false;
      this.peer.resumeReading();
    }
  }

  /** Frames waiting for action 1 to complete. */
  get queuedFrames(): number {
    return this.waiting;
  }

  /**
   * Where this connection is in its user's timeline: it started at the timeline's end when it
   * connected and has been sent (or has sent) every message after that up to here. No device of
   * the user can have received a position past it.
   */
  get timelinePosition(): number {
    return this.lastSeq;
  }

  /** Whether the session stopped reading its peer because too many frames are waiting. */
  get readingPaused(): boolean {
    return this.paused;
  }

  private track(p: Promise<void>): void {
    this.gate = p;
    void p.then(() => {
      if (this.gate === p) this.gate = undefined;
    });
  }

  private async dispatch(frame: ClientFrame, receivedAt: number): Promise<void> {
    if (this.phase === 'closed') return;
    try {
      if (frame.action !== '1') {
        if (this.userId === undefined)
          throw new CoreError(ErrorCode.NotConnected, 'send action 1 (connect) first');
        if (frame.fromId !== this.userId) {
          throw new CoreError(ErrorCode.Forbidden, `fromId must be the connected user ${this.userId}`);
        }
      }
      const handler = handlers[frame.action] as (s: Session, f: ClientFrame) => void | Promise<void>;
      await handler(this, frame);
      this.ctx.metrics.handled(frame.action, receivedAt);
    } catch (err) {
      this.fail(err, refOf(frame));
    }
  }

  /** Sends an error frame for a failed request; unexpected errors are logged and reported as INTERNAL. */
  fail(err: unknown, ref?: ErrorRef): void {
    if (err instanceof CoreError) {
      this.sendError(err.code, err.message, ref);
      if (err.closeCode !== undefined) this.peer.close(err.closeCode, err.message.slice(0, 120));
      return;
    }
    this.ctx.log.error({ err, user: this.userId, ref }, 'request failed');
    this.sendError(ErrorCode.Internal, 'internal error', ref);
  }

  sendError(code: ErrorCodeValue, error: string, ref?: ErrorRef): void {
    this.ctx.metrics.errorSent(code);
    const frame: ErrorFrame = { action: '0', code, error };
    if (this.userId !== undefined) frame.toId = this.userId;
    if (ref) frame.ref = ref;
    this.reply(frame);
  }

  reply(frame: ServerFrame): void {
    this.replyText(JSON.stringify(frame));
  }

  /** Sends an already serialized frame to this connection only. */
  replyText(text: string): void {
    if (this.phase !== 'closed') this.peer.send(text);
  }

  /**
   * Binds the session to its user and starts holding live deliveries until the backlog is out.
   * Resolves once live routing to this node is in place, so the backlog read next misses nothing.
   */
  bind(userId: string): Promise<void> {
    this.userId = userId;
    this.phase = 'replaying';
    this.peer.authenticated(userId);
    return this.ctx.presence.attach(userId, this);
  }

  /** Sends a frame and remembers it was replayed, so that the same frame arriving live is dropped. */
  replay(d: Delivery, done?: (err?: Error) => void): void {
    if (this.phase === 'closed') {
      done?.(new Error('connection closed'));
      return;
    }
    if (d.kind === 'notice') {
      if (!this.replayedNotices) this.replayedNotices = new Set();
      this.replayedNotices.add(d.noticeId);
    }
    if (d.kind === 'message' || d.kind === 'recall')
      this.advance(d.kind === 'message' ? d.stream : undefined, d.seq);
    this.send(d, done);
  }

  /**
   * Where this connection starts in its user's timeline (or, with `groupId`, in that group's): what
   * is up to `seq` is the backlog's to send.
   */
  startAt(seq: number, groupId?: string): void {
    this.advance(groupId, seq);
  }

  private advance(stream: string | undefined, seq: number): void {
    if (stream === undefined) {
      if (seq > this.lastSeq) this.lastSeq = seq;
    } else if (seq > (this.groupSeqs?.get(stream) ?? -1)) {
      if (!this.groupSeqs) this.groupSeqs = new Map();
      this.groupSeqs.set(stream, seq);
    }
  }

  /** The backlog is out: release what arrived meanwhile, minus what the backlog already carried. */
  goLive(): void {
    if (this.phase !== 'replaying') return;
    this.phase = 'live';
    const held = this.held;
    const replayedNotices = this.replayedNotices;
    this.held = undefined;
    this.heldBytes = 0;
    this.replayedNotices = undefined;
    if (held)
      for (const d of held) if (d.kind !== 'notice' || !replayedNotices?.has(d.noticeId)) this.deliver(d);
  }

  deliver(d: Delivery): void {
    if (d.kind === 'kick') {
      this.kicked(d);
      return;
    }
    if (d.kind === 'transient' && d.origin === this.id) return; // it caused it
    if (this.phase === 'replaying') this.hold(d);
    else if (this.phase !== 'live') return;
    else if (d.kind === 'message' || d.kind === 'recall') this.deliverInOrder(d);
    else this.send(d);
  }

  /**
   * Messages reach a connection in the order of its user's timeline, and group entries in the order
   * of their group's. On a cluster, live frames from different nodes can arrive out of that order
   * (or one can be lost on the way): one ahead of the connection's position first gets what is
   * stored between (it committed before, since positions follow commit order), so a device's
   * `since` never skips one. The first entry of a group this connection has no position in yet
   * starts it where the member's received position is.
   */
  private deliverInOrder(d: MessageDelivery | RecallDelivery): void {
    const stream = d.kind === 'message' ? d.stream : undefined;
    const at = stream === undefined ? this.lastSeq : this.groupSeqs?.get(stream);
    if (at !== undefined && d.seq <= at) return; // the backlog or a fill already carried it
    if (at !== undefined && d.seq === at + 1) {
      this.advance(stream, d.seq);
      if (d.kind === 'message' && d.origin === this.id) this.proofs.wrote(stream, d.seq, false);
      else this.send(d);
      return;
    }
    const userId = this.userId;
    if (userId === undefined) return;
    this.phase = 'replaying'; // what arrives meanwhile waits, as during the backlog replay
    this.held = [d];
    this.heldBytes = d.frame.length;
    this.fillBefore(userId, stream, at, d.seq).then(
      () => {
        this.advance(stream, d.seq - 1); // everything before it is sent now
        this.goLive();
      },
      (err: unknown) => {
        this.ctx.log.error(
          { err, user: userId, group: stream, from: at, to: d.seq },
          'could not fill a gap: connection closed (1011)',
        );
        this.closeWith(CloseCode.InternalError, 'could not send missed messages; reconnect');
      },
    );
  }

  /**
   * Sends what the user received strictly between `after` and `before`, oldest first: in its own
   * timeline, or in a group's (from the member's received position when `after` is not known).
   */
  private async fillBefore(
    userId: string,
    stream: string | undefined,
    known: number | undefined,
    before: number,
  ): Promise<void> {
    const { store, time, config } = this.ctx;
    const limit = config.replayPageSize;
    let from = known;
    if (from === undefined) {
      const member = await store.groupMember(stream!, userId);
      from = Math.min(member?.deliveredSeq ?? before - 1, before - 1);
      this.advance(stream, from);
    }
    // each replayed entry moves the connection's position (`replay`), so an action 22 for what a
    // long fill already sent is not ahead of it while later pages are still being read
    while (!this.isClosed) {
      if (stream === undefined) {
        const page = await store.receivedBetween(userId, from, before, limit);
        for (const m of page) this.replay(entryDelivery(m, userId, time));
        if (page.length < limit) return;
        from = page[page.length - 1]!.seq;
      } else {
        const page = await store.groupEntries(stream, from, before - 1, limit);
        for (const e of page) this.replay(groupEntryDelivery(e, userId, time));
        if (page.length < limit) return;
        from = page[page.length - 1]!.seq;
      }
    }
  }

  /**
   * Keeps a live delivery until the backlog is out. Too much of it (a long replay, a busy user)
   * closes the connection instead: what is held is stored and comes with the next connect's replay.
   */
  private hold(d: Delivery): void {
    if (!this.held) this.held = [];
    this.held.push(d);
    this.heldBytes += d.frame.length;
    const max = this.ctx.config.maxHeldBytes;
    if (this.heldBytes <= max) return;
    this.ctx.log.warn(
      { user: this.userId, remote: this.peer.remote, heldBytes: this.heldBytes, maxHeldBytes: max },
      'live deliveries piled up during the backlog replay: connection closed (1013), they stay stored',
    );
    this.closeWith(CloseCode.TryAgainLater, 'too much arrived during the backlog replay; reconnect');
  }

  /** The operator closes the user's connections: all, or those with a token issued before a time. */
  private kicked(d: KickDelivery): void {
    const spared = d.issuedBefore !== undefined && (this.tokenIssuedMs ?? -1) >= d.issuedBefore;
    // a close reason holds at most 123 bytes of UTF-8 (the API allows 100)
    if (!spared)
      this.closeWith(d.code, Buffer.byteLength(d.frame) <= 123 ? d.frame : 'closed by the operator');
  }

  /** Ends the session now and closes its connection with `code`. */
  closeWith(code: number, reason: string): void {
    this.detach();
    this.peer.close(code, reason);
  }

  /** Ends the session now and drops its connection without a handshake. */
  abort(): void {
    this.detach();
    this.peer.abort();
  }

  private send(d: Delivery, done?: (err?: Error) => void): void {
    if (d.kind !== 'notice') {
      this.peer.send(d.frame, done); // messages stay pending until confirmed: no callback needed
      // group entries are proven for every client: events and recalls have nothing to confirm
      if (d.kind === 'message' && (!this.confirms || d.stream !== undefined))
        this.proofs.wrote(d.stream, d.seq);
      return;
    }
    this.peer.send(this.noticeIds ? withNoticeId(d.frame, d.noticeId) : d.frame, (err) => {
      if (!err) this.noticeDelivered(d.userId, d.noticeId);
      done?.(err);
    });
  }

  /**
   * A pong proved these positions written (the connection's DeliveryProofs say so): every message
   * pending up to each was written here before the ping (but those a `since` catch-up left to
   * history past its 1,000, which this device is not sent anyway), so one write per timeline
   * confirms them.
   */
  confirmProven(written: ReadonlyMap<string, number>): void {
    const userId = this.userId;
    if (userId === undefined) return;
    for (const [key, seq] of written) {
      const op =
        key === ''
          ? ({ kind: 'confirmThrough', userId, seq } as const)
          : ({ kind: 'groupConfirm', groupId: key, userId, seq } as const);
      this.ctx.write(op).catch((err: unknown) => {
        // still pending: they come again at the next connect
        this.ctx.log.error(
          { err, user: userId, group: key || undefined },
          'could not confirm what was proven delivered',
        );
      });
    }
  }

  /** Messages written to this connection whose receipt is not proven yet (clients that do not confirm). */
  get unprovenMessages(): number {
    return this.proofs.pending;
  }

  private noticeDelivered(userId: string, noticeId: number): void {
    this.ctx.write({ kind: 'noticeDone', userId, noticeId }).catch((err: unknown) => {
      this.ctx.log.error({ err, user: userId }, 'could not drop a delivered notice');
    });
  }

  /**
   * Live frames for this user may have been lost on the way to this node (the bus reconnected):
   * the connection is closed with 1012 so that the client reconnects and gets its backlog from the
   * store, where every stored frame is.
   */
  refill(): void {
    if (this.phase === 'closed' || this.userId === undefined) return;
    this.peer.close(CloseCode.ServiceRestart, 'live routing was interrupted; reconnect to resync');
  }

  get isClosed(): boolean {
    return this.phase === 'closed';
  }

  /** Called by the core when the connection is gone. */
  detach(): void {
    if (this.phase === 'closed') return;
    this.ctx.rooms.leaveAll(this);
    const wasBound = this.userId !== undefined && this.phase !== 'new';
    this.phase = 'closed';
    this.held = undefined;
    this.heldBytes = 0;
    this.proofs.stop();
    if (wasBound && this.userId !== undefined) {
      const userId = this.userId;
      this.ctx.presence
        .detach(userId, this)
        .catch((err: unknown) => this.ctx.log.error({ err, user: userId }, 'bus leave failed'));
    }
  }
}

/** A stored notice's frame with its id as `nid` (last, so `action` stays first). */
function withNoticeId(frame: string, noticeId: number): string {
  return `${frame.slice(0, -1)},"nid":${noticeId}}`;
}
