import {
  type Contact,
  type ContactsFrame,
  type ContactsReply,
  type FriendRequestFrame,
  type FriendRequestNotice,
  type FriendResponseNotice,
  type GetIdsFrame,
  type GroupInfo,
  type GroupMember,
  type HistoryEntry,
  type IdsReply,
  isGroupId,
  isRoomId,
  type PresenceFrame,
  type PresenceReply,
  type StatusFrame,
  type UnfriendNotice,
} from '@parley/protocol';
import { blockedUsers, setBlocked } from './blocklist.js';
import { Connection } from './connection.js';
import { conversationOf, conversationsPage, UnreadCounts } from './conversations.js';
import { ParleyError } from './errors.js';
import { Emitter } from './events.js';
import { type FileData, type UploadOptions, uploadFile } from './files.js';
import { type Ask, GroupCursors, Groups, readersOf } from './groups.js';
import { groupHistory, history } from './history.js';
import { IdPool } from './id-pool.js';
import { dispatchFrame, type InboundContext } from './inbound.js';
import { type ClientOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { RequestTable } from './requests.js';
import { Rooms } from './rooms.js';
import { SeenIds } from './seen-ids.js';
import { Sender } from './sender.js';
import { TransientSender } from './transient.js';
import type {
  ClientEvents,
  ConnectionState,
  ConversationPage,
  ConversationsOptions,
  FileSendResult,
  GroupDetails,
  GroupHistoryOptions,
  GroupHistoryPage,
  HistoryOptions,
  InboundFrame,
  MessageContent,
  MessageRef,
  OutboundFrame,
  PingResult,
  SendResult,
  UploadedFile,
} from './types.js';
import { checkConversation, checkMessage, checkUser, checkUserOrGroup } from './validate.js';

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
  private readonly groupsApi: Groups;
  private readonly groupCursors = new GroupCursors();
  private readonly roomsApi: Rooms;
  private readonly unreadCounts = new UnreadCounts();
  private connectWaiters: { resolve: () => void; reject: (err: ParleyError) => void }[] = [];
  private closedWith: ParleyError | undefined;
  private cursor: number | undefined;
  private noticesCursor: number | undefined;
  /** Requests answered by the next reply of their action (FIFO per action, in write order). */
  private readonly ask: Ask = (frame, opts) => this.request(frame, true, opts?.once === true);

  constructor(options: ClientOptions) {
    super();
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
    const seen = new SeenIds(this.opts.seenIdsCapacity);
    const emit = <K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]) => {
      this.emit(event, payload);
      if (event === 'message') this.countUnread(payload as ClientEvents['message']);
    };
    this.inbound = {
      userId: this.userId,
      requests: this.requests,
      seen,
      answerPings: this.opts.answerPings,
      emit,
      write: (frame) => void this.conn.write(frame),
      settled: (id) => this.sender.settled(id),
      advance: (seq) => {
        if (this.cursor === undefined || seq > this.cursor) this.cursor = seq;
      },
      advanceGroup: (groupId, seq) => this.groupCursors.advance(groupId, seq),
      advanceNotice: (nid) => {
        if (this.noticesCursor === undefined || nid > this.noticesCursor) this.noticesCursor = nid;
      },
      readElsewhere: (conversationId, id) => this.readUpTo(conversationId, id),
    };
    this.groupsApi = new Groups(this.userId, this.ask);
    this.roomsApi = new Rooms({
      userId: this.userId,
      ask: (frame, opts) => this.request(frame, opts.resend, false),
      seen,
      sentByMe: (id) => this.sender.recipientOf(id) !== undefined,
      emit,
    });
  }

  /**
   * The highest `seq` of the stored messages this device has received: persist it and pass it as
   * `since` next time to catch up on what other devices already confirmed.
   */
  get syncCursor(): number | undefined {
    return this.cursor;
  }

  /**
   * The highest `nid` of the stored notices (receipts, recalls, friend frames) this device has
   * received: persist it and pass it as `noticesSince` next time, so that notices another device
   * received meanwhile reach this one too. Within one session reconnects do it by themselves.
   */
  get noticeCursor(): number | undefined {
    return this.noticesCursor;
  }

  /**
   * The highest position of `groupId`'s timeline this client has received (messages, events,
   * recalls). Group positions are the group's own and never move `syncCursor`.
   */
  groupSeq(groupId: string): number | undefined {
    return this.groupCursors.get(groupId);
  }

  /** The chat rooms this client is in; they are joined again after every reconnect. */
  get rooms(): string[] {
    return this.roomsApi.list;
  }

  /**
   * This client's unread count of a conversation (a user or group id): from the last
   * `conversations()` page that listed it, plus messages from others since, minus `markRead`.
   */
  unread(conversationId: string): number {
    return this.unreadCounts.get(conversationId);
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
   * Sends a message (a string is text, type 0) to a user, a group (`~…`) or a joined chat room
   * (`!…`) and resolves with the server's acknowledgement. It goes through the outbox: while
   * disconnected it waits, then goes out with its original id (after the rooms are rejoined).
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

  /**
   * Sends a read receipt (action 4 status 2) for a received message or history entry. In a group
   * (`toId` a group id) it moves your read position there and the sender learns the read count;
   * room messages and your own group messages have nothing to read.
   */
  markRead(msg: MessageRef): void {
    if (msg.transient) return;
    const group = msg.toId !== undefined && isGroupId(msg.toId);
    if (msg.toId !== undefined && isRoomId(msg.toId)) return;
    if (group && msg.fromId === this.userId) return;
    const frame: StatusFrame = {
      action: '4',
      fromId: this.userId,
      toId: group ? msg.toId! : msg.fromId,
      chatMsg: { id: msg.chatMsg.id, status: 2 },
    };
    this.readUpTo(
      conversationOf(this.userId, msg.fromId, msg.toId ?? this.userId).conversationId,
      msg.chatMsg.id,
    );
    if (this.conn.write(frame)) return;
    if (this.queuedReceipts.length < MAX_QUEUED_RECEIPTS) this.queuedReceipts.push(frame);
  }

  /**
   * Pages backwards through history (action 12), newest page first, until an empty page. With a
   * group as `with`: its messages only (see `groupHistory()` for its events too).
   */
  history(opts: HistoryOptions = {}): AsyncGenerator<HistoryEntry[], void, undefined> {
    return history(this.ask, this.userId, opts);
  }

  /**
   * Pages backwards through a group's history (action 12 with `baseSeq`), newest page first, each
   * oldest first, until an empty page: messages and membership events, also split by kind.
   */
  groupHistory(
    groupId: string,
    opts: GroupHistoryOptions = {},
  ): AsyncGenerator<GroupHistoryPage, void, undefined> {
    return groupHistory(this.ask, this.userId, groupId, opts);
  }

  /** The contact list (action 11). */
  async contacts(): Promise<Contact[]> {
    const frame: ContactsFrame = { action: '11', fromId: this.userId };
    const reply = (await this.ask(frame)) as ContactsReply;
    return Array.isArray(reply.contacts) ? reply.contacts : [];
  }

  /** Whether the server has an open connection of `user` (action 7). */
  async presence(user: string): Promise<boolean> {
    checkUser(user);
    const frame: PresenceFrame = { action: '7', fromId: this.userId, toId: user };
    const reply = (await this.ask(frame)) as PresenceReply;
    return reply.online === true;
  }

  /**
   * Recalls a message you sent (action 6), to a user or a group; `to` is needed for messages not
   * sent by this client.
   */
  async recall(id: string, to?: string): Promise<void> {
    const toId = to ?? this.sender.recipientOf(id);
    if (toId === undefined) throw new ParleyError('INVALID_ARGUMENT', `recipient of ${id} unknown: pass it`);
    checkUserOrGroup(toId);
    await this.keyed(`6:${id}`, { action: '6', fromId: this.userId, toId, chatMsg: { id } });
  }

  // ---- groups (13, 14, 15) ----------------------------------------------------------------------

  /** Creates a group you own (action 13). Not resent if cut off by a disconnect (DISCONNECTED). */
  createGroup(name: string, members?: string | readonly string[]): Promise<GroupInfo> {
    return this.call(() => this.groupsApi.create(name, members));
  }

  renameGroup(groupId: string, name: string): Promise<GroupInfo> {
    return this.call(() => this.groupsApi.change(groupId, { op: 'rename', name }));
  }

  addMembers(groupId: string, members: string | readonly string[]): Promise<GroupInfo> {
    return this.call(() => this.groupsApi.change(groupId, { op: 'add', members: asList(members) }));
  }

  removeMembers(groupId: string, members: string | readonly string[]): Promise<GroupInfo> {
    return this.call(() => this.groupsApi.change(groupId, { op: 'remove', members: asList(members) }));
  }

  /** Leaves a group (an owner hands it on). Not resent if cut off by a disconnect. */
  leaveGroup(groupId: string): Promise<GroupInfo> {
    return this.call(() => this.groupsApi.change(groupId, { op: 'leave' }));
  }

  /** Dismisses a group you own. Not resent if cut off by a disconnect. */
  dismissGroup(groupId: string): Promise<GroupInfo> {
    return this.call(() => this.groupsApi.change(groupId, { op: 'dismiss' }));
  }

  setRole(
    groupId: string,
    members: string | readonly string[],
    role: 'admin' | 'member',
  ): Promise<GroupInfo> {
    return this.call(() => this.groupsApi.change(groupId, { op: 'role', members: asList(members), role }));
  }

  /** Mutes members for `durationMs`, or until unmuted when left out. */
  mute(groupId: string, members: string | readonly string[], durationMs?: number): Promise<GroupInfo> {
    const change = {
      op: 'mute' as const,
      members: asList(members),
      ...(durationMs !== undefined && { durationMs }),
    };
    return this.call(() => this.groupsApi.change(groupId, change));
  }

  unmute(groupId: string, members: string | readonly string[]): Promise<GroupInfo> {
    return this.call(() => this.groupsApi.change(groupId, { op: 'unmute', members: asList(members) }));
  }

  /** While on, only the owner and admins may post. */
  muteAll(groupId: string, on: boolean): Promise<GroupInfo> {
    return this.call(() => this.groupsApi.change(groupId, { op: 'muteAll', on }));
  }

  /** The groups you are a member of (action 15). */
  groups(): Promise<GroupInfo[]> {
    return this.call(() => this.groupsApi.list());
  }

  /** A group and its members, with how far each has read (action 15 with the group). */
  group(groupId: string): Promise<GroupDetails> {
    return this.call(() => this.groupsApi.details(groupId));
  }

  /**
   * The members who have read the group message at position `seq` (sent by `senderId`, default
   * you), from the members' read positions; `.length` is its read count. Keep it current with
   * `groupRead` events.
   */
  async readers(groupId: string, seq: number, senderId: string = this.userId): Promise<GroupMember[]> {
    const { members } = await this.group(groupId);
    return readersOf(members, seq, senderId);
  }

  // ---- conversations (17) and rooms (18, 19) -----------------------------------------------------

  /**
   * One page of your conversations, 1:1 and groups, newest activity first, with unread counts;
   * pass `next` as `before` for the following page. Seeds `unread()`.
   */
  async conversations(opts: ConversationsOptions = {}): Promise<ConversationPage> {
    const page = await this.call(() => conversationsPage(this.ask, this.userId, opts));
    for (const change of this.unreadCounts.seed(page.conversations)) this.emit('unread', change);
    return page;
  }

  /**
   * Joins a chat room (action 18) and resolves with its recent messages, oldest first. The SDK
   * joins it again after every reconnect (rooms are per connection on the server).
   */
  joinRoom(roomId: string): Promise<HistoryEntry[]> {
    return this.call(() => this.roomsApi.join(roomId));
  }

  /** Leaves a chat room (action 19); it is no longer rejoined. */
  leaveRoom(roomId: string): Promise<void> {
    return this.call(() => this.roomsApi.leave(roomId));
  }

  // ---- blocklist (20, 21) -----------------------------------------------------------------------

  /**
   * Blocks a user (action 20): from then on its messages, typing signals and friend requests to
   * you are refused with BLOCKED (it learns so). Blocking is one way and not applied in groups.
   */
  block(user: string): Promise<void> {
    return this.call(() => setBlocked(this.ask, this.userId, user, true));
  }

  /** Unblocks a user (action 20 with `blocked: false`). */
  unblock(user: string): Promise<void> {
    return this.call(() => setBlocked(this.ask, this.userId, user, false));
  }

  /** The users you blocked, oldest first (action 21). */
  blocked(): Promise<string[]> {
    return this.call(() => blockedUsers(this.ask, this.userId));
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
    checkConversation(to);
    const file = await this.uploadFile(data, opts);
    return { ...(await this.send(to, { type: 1, message: file.url })), file };
  }

  // ---- internals ------------------------------------------------------------------------------

  private onReady(): void {
    for (const frame of this.queuedReceipts.splice(0)) this.conn.write(frame);
    // rooms first: the server dropped this client from them with the old connection, and room
    // messages waiting in the outbox must follow their room's join
    this.roomsApi.rejoinAll();
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

  /** Runs a call, turning a synchronous refusal (a bad argument, a closed client) into a rejection. */
  private call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      this.throwIfClosed();
      return fn();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The read position of a conversation moved to message `id` (here or on another device). */
  private readUpTo(conversationId: string, id: string): void {
    const unread = this.unreadCounts.read(conversationId, id);
    if (unread !== undefined) this.emit('unread', { conversationId, unread });
  }

  /** A message from someone else in a user or group conversation counts as unread here. */
  private countUnread(msg: ClientEvents['message']): void {
    if (msg.transient || msg.kind === 'room' || msg.fromId === this.userId) return;
    const unread = this.unreadCounts.received(msg.conversationId, msg.chatMsg.id);
    this.emit('unread', { conversationId: msg.conversationId, unread });
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

function asList(members: string | readonly string[]): string[] {
  return typeof members === 'string' ? [members] : [...members];
}
