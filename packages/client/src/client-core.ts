/** The parts a ParleyClient runs on, wired together, and whether it is open: what its methods delegate to. */
import type { GetIdsFrame, IdsReply } from '@parley/protocol';
import { Confirmations } from './confirmations.js';
import { Connection } from './connection.js';
import { ParleyError } from './errors.js';
import type { Keyed } from './friends.js';
import { type Ask, GroupCursors, Groups } from './groups.js';
import { IdPool } from './id-pool.js';
import { dispatchFrame, type InboundContext } from './inbound.js';
import { type ClientOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { ReadState } from './read-state.js';
import { RequestTable } from './requests.js';
import { Rooms } from './rooms.js';
import { SeenIds } from './seen-ids.js';
import { Sender } from './sender.js';
import { TransientSender } from './transient.js';
import type { ClientEvents, InboundFrame, OutboundFrame } from './types.js';

/** Emits one of the client's events to its listeners. */
export type Emit = <K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]) => void;

/**
 * One user's connection (which reconnects by itself), its request table, the id pool, the senders
 * of stored and transient messages, groups, rooms, reads and the sync cursors, wired to each other
 * and to the client's events; and the client's life: connecting, ready again after a reconnect,
 * closed for good. Every request first checks that the client is not closed.
 */
export class ClientCore {
  readonly userId: string;
  readonly opts: ResolvedOptions;
  readonly conn: Connection;
  readonly requests: RequestTable;
  readonly pool: IdPool;
  readonly sender: Sender;
  readonly transient: TransientSender;
  readonly groups: Groups;
  readonly groupCursors = new GroupCursors();
  readonly rooms: Rooms;
  readonly reads: ReadState;
  readonly confirmations: Confirmations;
  /** The highest `seq` of the stored messages received (the client's `syncCursor`). */
  cursor: number | undefined;
  /** The highest `nid` of the stored notices received (the client's `noticeCursor`). */
  noticesCursor: number | undefined;
  private readonly emit: Emit;
  private readonly inbound: InboundContext;
  private connectWaiters: { resolve: () => void; reject: (err: ParleyError) => void }[] = [];
  private closedWith: ParleyError | undefined;
  /** Requests answered by the next reply of their action (FIFO per action, in write order). */
  readonly ask: Ask = (frame, opts) => this.request(frame, true, opts?.once === true);
  /** A request answered by the server's echo of the same action, matched by `key`. */
  readonly keyed: Keyed = (key, frame) => {
    this.throwIfClosed();
    return this.requests.add(
      { kind: 'keyed', action: frame.action, frame, key, resend: true },
      this.conn.ready,
    );
  };

  constructor(options: ClientOptions, emit: Emit) {
    this.emit = emit;
    this.opts = resolveOptions(options);
    this.userId = this.opts.userId;
    this.cursor = this.opts.since;
    this.noticesCursor = this.opts.noticesSince;
    this.conn = new Connection(
      { ...this.opts, since: () => this.cursor, noticesSince: () => this.noticesCursor },
      {
        state: (change) => this.emit('state', change),
        ready: () => this.onReady(),
        frame: (frame) => dispatchFrame(this.inbound, frame),
        down: () => {
          this.confirmations.dropped();
          this.requests.disconnected();
        },
        error: (err) => this.emit('error', err),
        fatal: (err) => this.shutDown(err, true),
      },
    );
    this.requests = new RequestTable(
      (frame, onWritten) => this.conn.write(frame, onWritten),
      this.opts.requestTimeoutMs,
    );
    this.pool = new IdPool(() => this.fetchIds(), this.opts.idLowWater);
    this.sender = new Sender({
      userId: this.userId,
      outbox: this.opts.outbox,
      requests: this.requests,
      pool: this.pool,
      isReady: () => this.conn.ready,
      closedWith: () => this.closedWith,
      onError: (err) => this.emit('error', err),
    });
    this.transient = new TransientSender({
      userId: this.userId,
      requests: this.requests,
      maxFrameBytes: this.opts.maxFrameBytes,
      ensureConnected: () => this.throwIfNotConnected(),
    });
    this.reads = new ReadState({
      userId: this.userId,
      write: (frame) => this.conn.write(frame),
      emit: (event, payload) => this.emit(event, payload),
    });
    this.confirmations = new Confirmations({
      userId: this.userId,
      delayMs: this.opts.confirmDelayMs,
      verdictMs: this.opts.requestTimeoutMs,
      write: (frame, now) => (now ? this.conn.writeNow(frame) : this.conn.write(frame)),
    });
    const seen = new SeenIds(this.opts.seenIdsCapacity);
    const emitAndCount = <K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]) => {
      this.emit(event, payload);
      if (event === 'message') this.reads.countUnread(payload as ClientEvents['message']);
    };
    this.inbound = {
      userId: this.userId,
      requests: this.requests,
      seen,
      answerPings: this.opts.answerPings,
      confirmations: this.confirmations,
      emit: emitAndCount,
      write: (frame) => void this.conn.write(frame),
      settled: (id) => this.sender.settled(id),
      advance: (seq) => {
        if (this.cursor === undefined || seq > this.cursor) this.cursor = seq;
      },
      advanceGroup: (groupId, seq) => this.groupCursors.advance(groupId, seq),
      advanceNotice: (nid) => {
        if (this.noticesCursor === undefined || nid > this.noticesCursor) this.noticesCursor = nid;
      },
      readElsewhere: (conversationId, id) => this.reads.readUpTo(conversationId, id),
    };
    this.groups = new Groups(this.userId, this.ask);
    this.rooms = new Rooms({
      userId: this.userId,
      ask: (frame, opts) => this.request(frame, opts.resend, false),
      seen,
      sentByMe: (id) => this.sender.recipientOf(id) !== undefined,
      emit: emitAndCount,
    });
  }

  /** Connects (and keeps reconnecting); see `ParleyClient.connect`. */
  connect(): Promise<void> {
    if (this.conn.state === 'connected') return Promise.resolve();
    if (this.closedWith) return Promise.reject(this.closedWith);
    const connected = new Promise<void>((resolve, reject) => this.connectWaiters.push({ resolve, reject }));
    if (this.conn.state === 'idle') {
      this.sender.loadOutbox();
      this.conn.start();
    }
    return connected;
  }

  /**
   * Closes for good: the receipt confirmations still outstanding go out first. Pending calls reject
   * with CLOSED; the outbox keeps unacknowledged messages.
   */
  async close(): Promise<void> {
    this.shutDown(new ParleyError('CLOSED', 'the client was closed'), false);
    await this.conn.stop();
  }

  /** Runs a call, turning a synchronous refusal (a bad argument, a closed client) into a rejection. */
  call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      this.throwIfClosed();
      return fn();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private onReady(): void {
    this.reads.flush();
    // rooms first: the server dropped this client from them with the old connection, and room
    // messages waiting in the outbox must follow their room's join
    this.rooms.rejoinAll();
    this.requests.flush();
    this.pool.refill();
    for (const w of this.connectWaiters.splice(0)) w.resolve();
  }

  private shutDown(err: ParleyError, emit: boolean): void {
    if (this.closedWith) return;
    this.closedWith = err;
    // written while the socket is still up (close); after a fatal error there is none: dropped
    this.confirmations.close();
    if (emit) this.emit('error', err);
    for (const w of this.connectWaiters.splice(0)) w.reject(err);
    this.requests.rejectAll(err);
    this.pool.failWaiters(err);
  }

  private async fetchIds(): Promise<string[]> {
    const frame: GetIdsFrame = { action: '2', fromId: this.userId };
    const reply = (await this.ask(frame)) as IdsReply;
    return String(reply.chatMsg?.message ?? '').split(',');
  }

  /**
   * A request answered by the next reply of the same action (FIFO per action, in write order).
   * `resend`: written again after a reconnect; `once`: only if it never reached a socket.
   */
  private request(frame: OutboundFrame, resend: boolean, once: boolean): Promise<InboundFrame> {
    this.throwIfClosed();
    return this.requests.add({ kind: 'fifo', action: frame.action, frame, resend, once }, this.conn.ready);
  }

  private throwIfClosed(): void {
    if (this.closedWith) throw this.closedWith;
  }

  private throwIfNotConnected(): void {
    this.throwIfClosed();
    if (!this.conn.ready)
      throw new ParleyError('DISCONNECTED', 'not connected (transient messages are not queued)');
  }
}
