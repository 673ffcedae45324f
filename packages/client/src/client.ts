import type {
  Contact,
  ContactsFrame,
  ContactsReply,
  FriendRequestFrame,
  FriendRequestNotice,
  FriendResponseNotice,
  GetIdsFrame,
  HistoryEntry,
  HistoryFrame,
  HistoryReply,
  IdsReply,
  PresenceFrame,
  PresenceReply,
  StatusFrame,
  UnfriendNotice,
} from '@parley/protocol';
import { Connection } from './connection.js';
import { ParleyError } from './errors.js';
import { Emitter } from './events.js';
import { type FileData, type UploadOptions, uploadFile } from './files.js';
import { IdPool } from './id-pool.js';
import { dispatchFrame, type InboundContext } from './inbound.js';
import { type ClientOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { RequestTable } from './requests.js';
import { SeenIds } from './seen-ids.js';
import { Sender } from './sender.js';
import { TransientSender } from './transient.js';
import type {
  ClientEvents,
  ConnectionState,
  FileSendResult,
  HistoryOptions,
  InboundFrame,
  MessageContent,
  MessageRef,
  OutboundFrame,
  PingResult,
  SendResult,
  UploadedFile,
} from './types.js';
import { checkMessage, checkUser } from './validate.js';

const MAX_QUEUED_RECEIPTS = 1000;

/**
 * A Parley client: one user, one logical connection that reconnects by itself, an outbox that
 * resends what the server has not acknowledged, and typed events for everything that arrives.
 */
export class ParleyClient extends Emitter<ClientEvents> {
  readonly userId: string;
  private readonly opts: ResolvedOptions;
  private readonly conn: Connection;
  private readonly requests: RequestTable;
  private readonly pool: IdPool;
  private readonly inbound: InboundContext;
  private readonly queuedReceipts: StatusFrame[] = [];
  private readonly sender: Sender;
  private readonly transient: TransientSender;
  private connectWaiters: { resolve: () => void; reject: (err: ParleyError) => void }[] = [];
  private closedWith: ParleyError | undefined;
  private cursor: number | undefined;

  constructor(options: ClientOptions) {
    super();
    this.opts = resolveOptions(options);
    this.userId = this.opts.userId;
    this.cursor = this.opts.since;
    this.conn = new Connection(
      { ...this.opts, since: () => this.cursor },
      {
        state: (change) => this.emit('state', change),
        ready: () => this.onReady(),
        frame: (frame) => dispatchFrame(this.inbound, frame),
        down: () => this.requests.disconnected(),
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
    this.inbound = {
      userId: this.userId,
      requests: this.requests,
      seen: new SeenIds(this.opts.seenIdsCapacity),
      answerPings: this.opts.answerPings,
      emit: (event, payload) => this.emit(event, payload),
      write: (frame) => void this.conn.write(frame),
      settled: (id) => this.sender.settled(id),
      advance: (seq) => {
        if (this.cursor === undefined || seq > this.cursor) this.cursor = seq;
      },
    };
  }

  /**
   * The highest `seq` of the stored messages this device has received: persist it and pass it as
   * `since` next time to catch up on what other devices already confirmed.
   */
  get syncCursor(): number | undefined {
    return this.cursor;
  }

  get state(): ConnectionState {
    return this.conn.state;
  }

  /** Ids in the pool, ready for `send()` without a round trip. */
  get pooledIds(): number {
    return this.pool.size;
  }

  /**
   * Connects (and keeps reconnecting). Resolves once action 1 is answered; rejects if the client
   * is closed first or the server refuses the user or token (state `closed`, no retry).
   */
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

  /** Closes for good. Pending calls reject with CLOSED; the outbox keeps unacknowledged messages. */
  async close(): Promise<void> {
    this.shutDown(new ParleyError('CLOSED', 'the client was closed'), false);
    await this.conn.stop();
  }

  /**
   * Sends a message (a string is text, type 0) and resolves with the server's acknowledgement.
   * It goes through the outbox: while disconnected it waits, then goes out with its original id.
   */
  send(to: string, content: MessageContent): Promise<SendResult> {
    try {
      this.throwIfClosed();
      const { type, message } = checkMessage(this.userId, to, content, this.opts.maxFrameBytes);
      return this.sender.send(to, type, message);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** A transient message (`store: false`): only to connections online now, else OFFLINE. */
  sendTransient(to: string, content: MessageContent): Promise<SendResult> {
    return this.transient.send(to, content);
  }

  /** Measures the end-to-end round trip to `user`'s SDK with a transient PING/PONG. */
  ping(user: string): Promise<PingResult> {
    return this.transient.ping(user);
  }

  /** Sends a read receipt (action 4 status 2) for a received message or history entry. */
  markRead(msg: MessageRef): void {
    if (msg.transient) return;
    const frame: StatusFrame = {
      action: '4',
      fromId: this.userId,
      toId: msg.fromId,
      chatMsg: { id: msg.chatMsg.id, status: 2 },
    };
    if (this.conn.write(frame)) return;
    if (this.queuedReceipts.length < MAX_QUEUED_RECEIPTS) this.queuedReceipts.push(frame);
  }

  /** Pages backwards through history (action 12), newest page first, until an empty page. */
  async *history(opts: HistoryOptions = {}): AsyncGenerator<HistoryEntry[], void, undefined> {
    if (opts.with !== undefined) checkUser(opts.with);
    let base = opts.before;
    for (;;) {
      const frame: HistoryFrame = {
        action: '12',
        fromId: this.userId,
        ...(opts.with !== undefined && { toId: opts.with }),
        ...(base !== undefined && { baseMsgId: base }),
        ...(opts.pageSize !== undefined && { pageSize: opts.pageSize }),
      };
      const reply = (await this.request(frame)) as HistoryReply;
      const page = Array.isArray(reply.historyMsgs) ? reply.historyMsgs : [];
      if (page.length === 0) return;
      yield page;
      base = page[0]!.chatMsg.id;
    }
  }

  /** The contact list (action 11). */
  async contacts(): Promise<Contact[]> {
    const frame: ContactsFrame = { action: '11', fromId: this.userId };
    const reply = (await this.request(frame)) as ContactsReply;
    return Array.isArray(reply.contacts) ? reply.contacts : [];
  }

  /** Whether the server has an open connection of `user` (action 7). */
  async presence(user: string): Promise<boolean> {
    checkUser(user);
    const frame: PresenceFrame = { action: '7', fromId: this.userId, toId: user };
    const reply = (await this.request(frame)) as PresenceReply;
    return reply.online === true;
  }

  /** Recalls a message you sent (action 6); `to` is needed for messages not sent by this client. */
  async recall(id: string, to?: string): Promise<void> {
    const toId = to ?? this.sender.recipientOf(id);
    if (toId === undefined) throw new ParleyError('INVALID_ARGUMENT', `recipient of ${id} unknown: pass it`);
    checkUser(toId);
    await this.keyed(`6:${id}`, { action: '6', fromId: this.userId, toId, chatMsg: { id } });
  }

  async addFriend(user: string, message?: string): Promise<FriendRequestNotice> {
    checkUser(user);
    const frame: FriendRequestFrame = { action: '8', fromId: this.userId, toId: user };
    if (message !== undefined) frame.chatMsg = { message };
    return (await this.keyed(`8:${user}`, frame)) as FriendRequestNotice;
  }

  async respondFriend(user: string, accepted: boolean): Promise<FriendResponseNotice> {
    checkUser(user);
    const frame = { action: '9', fromId: this.userId, toId: user, accepted } as const;
    return (await this.keyed(`9:${user}`, frame)) as FriendResponseNotice;
  }

  async removeFriend(user: string): Promise<UnfriendNotice> {
    checkUser(user);
    const frame = { action: '10', fromId: this.userId, toId: user } as const;
    return (await this.keyed(`10:${user}`, frame)) as UnfriendNotice;
  }

  /** Uploads a file (`POST /files`) and returns where it lives. */
  uploadFile(data: FileData, opts: UploadOptions): Promise<UploadedFile> {
    return uploadFile(this.opts, data, opts);
  }

  /** Uploads a file, then sends its URL as a file message (type 1). */
  async sendFile(to: string, data: FileData, opts: UploadOptions): Promise<FileSendResult> {
    checkUser(to);
    const file = await this.uploadFile(data, opts);
    return { ...(await this.send(to, { type: 1, message: file.url })), file };
  }

  // ---- internals ------------------------------------------------------------------------------

  private onReady(): void {
    for (const frame of this.queuedReceipts.splice(0)) this.conn.write(frame);
    this.requests.flush();
    this.pool.refill();
    for (const w of this.connectWaiters.splice(0)) w.resolve();
  }

  private shutDown(err: ParleyError, emit: boolean): void {
    if (this.closedWith) return;
    this.closedWith = err;
    if (emit) this.emit('error', err);
    for (const w of this.connectWaiters.splice(0)) w.reject(err);
    this.requests.rejectAll(err);
    this.pool.failWaiters(err);
  }

  private async fetchIds(): Promise<string[]> {
    const frame: GetIdsFrame = { action: '2', fromId: this.userId };
    const reply = (await this.request(frame)) as IdsReply;
    return String(reply.chatMsg?.message ?? '').split(',');
  }

  /** A request answered by the next reply of the same action (FIFO per action). */
  private request(frame: GetIdsFrame | ContactsFrame | PresenceFrame | HistoryFrame): Promise<InboundFrame> {
    this.throwIfClosed();
    return this.requests.add({ kind: 'fifo', action: frame.action, frame, resend: true }, this.conn.ready);
  }

  /** A request answered by the server's echo of the same action, matched by `key`. */
  private keyed(key: string, frame: OutboundFrame): Promise<InboundFrame> {
    this.throwIfClosed();
    return this.requests.add(
      { kind: 'keyed', action: frame.action, frame, key, resend: true },
      this.conn.ready,
    );
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
