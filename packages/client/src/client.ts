import type {
  Contact,
  FriendRequestNotice,
  FriendResponseNotice,
  GroupInfo,
  GroupMember,
  HistoryEntry,
  UnfriendNotice,
} from '@parley/protocol';
import { blockedUsers, setBlocked } from './blocklist.js';
import { ClientCore } from './client-core.js';
import { contactList, isOnline } from './contacts.js';
import { conversationsPage } from './conversations.js';
import { ParleyError } from './errors.js';
import { Emitter } from './events.js';
import { type FileData, type UploadOptions, uploadFile } from './files.js';
import { addFriend, removeFriend, respondFriend } from './friends.js';
import { type GroupChange, readersOf } from './groups.js';
import { groupHistory, history } from './history.js';
import type { ClientOptions } from './options.js';
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
  MessageContent,
  MessageRef,
  PingResult,
  SendResult,
  UploadedFile,
} from './types.js';
import { checkConversation, checkMessage, checkUserOrGroup } from './validate.js';

/**
 * A Parley client: one user, one logical connection that reconnects by itself, an outbox that
 * resends what the server has not acknowledged, and typed events for everything that arrives.
 */
export class ParleyClient extends Emitter<ClientEvents> {
  readonly userId: string;
  /** The connection, requests, senders and state behind these methods. */
  private readonly core: ClientCore;

  constructor(options: ClientOptions) {
    super();
    this.core = new ClientCore(options, (event, payload) => this.emit(event, payload));
    this.userId = this.core.userId;
  }

  /**
   * The highest `seq` of the stored messages this device has received: persist it and pass it as
   * `since` next time to catch up on what other devices already confirmed.
   */
  get syncCursor(): number | undefined {
    return this.core.cursor;
  }

  /**
   * The highest `nid` of the stored notices (receipts, recalls, friend frames) this device has
   * received: persist it and pass it as `noticesSince` next time, so that notices another device
   * received meanwhile reach this one too. Within one session reconnects do it by themselves.
   */
  get noticeCursor(): number | undefined {
    return this.core.noticesCursor;
  }

  /**
   * The highest position of `groupId`'s timeline this client has received (messages, events,
   * recalls). Group positions are the group's own and never move `syncCursor`.
   */
  groupSeq(groupId: string): number | undefined {
    return this.core.groupCursors.get(groupId);
  }

  /** The chat rooms this client is in; they are joined again after every reconnect. */
  get rooms(): string[] {
    return this.core.rooms.list;
  }

  /**
   * This client's unread count of a conversation (a user or group id): from the last
   * `conversations()` page that listed it, plus messages from others since, minus `markRead`.
   */
  unread(conversationId: string): number {
    return this.core.reads.unread(conversationId);
  }

  get state(): ConnectionState {
    return this.core.conn.state;
  }

  /** Ids in the pool, ready for `send()` without a round trip. */
  get pooledIds(): number {
    return this.core.pool.size;
  }

  /**
   * Connects (and keeps reconnecting). Resolves once action 1 is answered; rejects if the client
   * is closed first or the server refuses the user or token (state `closed`, no retry).
   */
  connect(): Promise<void> {
    return this.core.connect();
  }

  /**
   * Closes for good; receipt confirmations not written yet go out first. Pending calls reject with
   * CLOSED; the outbox keeps unacknowledged messages.
   */
  close(): Promise<void> {
    return this.core.close();
  }

  /**
   * Sends a message (a string is text, type 0) to a user, a group (`~…`) or a joined chat room
   * (`!…`) and resolves with the server's acknowledgement. It goes through the outbox: while
   * disconnected it waits, then goes out with its original id (after the rooms are rejoined).
   */
  send(to: string, content: MessageContent): Promise<SendResult> {
    return this.core.call(() => {
      const { type, message } = checkMessage(this.userId, to, content, this.core.opts.maxFrameBytes);
      return this.core.sender.send(to, type, message);
    });
  }

  /** A transient message (`store: false`): only to connections online now, else OFFLINE. */
  sendTransient(to: string, content: MessageContent): Promise<SendResult> {
    return this.core.transient.send(to, content);
  }

  /** Measures the end-to-end round trip to `user`'s SDK with a transient PING/PONG. */
  ping(user: string): Promise<PingResult> {
    return this.core.transient.ping(user);
  }

  /**
   * Sends a read receipt (action 4 status 2) for a received message or history entry. In a group
   * (`toId` a group id) it moves your read position there and the sender learns the read count;
   * room messages and your own group messages have nothing to read.
   */
  markRead(msg: MessageRef): void {
    this.core.reads.markRead(msg);
  }

  /**
   * Pages backwards through history (action 12), newest page first, until an empty page. With a
   * group as `with`: its messages only (see `groupHistory()` for its events too).
   */
  history(opts: HistoryOptions = {}): AsyncGenerator<HistoryEntry[], void, undefined> {
    return history(this.core.ask, this.userId, opts);
  }

  /**
   * Pages backwards through a group's history (action 12 with `baseSeq`), newest page first, each
   * oldest first, until an empty page: messages and membership events, also split by kind.
   */
  groupHistory(
    groupId: string,
    opts: GroupHistoryOptions = {},
  ): AsyncGenerator<GroupHistoryPage, void, undefined> {
    return groupHistory(this.core.ask, this.userId, groupId, opts);
  }

  /** The contact list (action 11). */
  contacts(): Promise<Contact[]> {
    return contactList(this.core.ask, this.userId);
  }

  /** Whether the server has an open connection of `user` (action 7). */
  presence(user: string): Promise<boolean> {
    return isOnline(this.core.ask, this.userId, user);
  }

  /**
   * Recalls a message you sent (action 6), to a user or a group; `to` is needed for messages not
   * sent by this client.
   */
  async recall(id: string, to?: string): Promise<void> {
    const toId = to ?? this.core.sender.recipientOf(id);
    if (toId === undefined) throw new ParleyError('INVALID_ARGUMENT', `recipient of ${id} unknown: pass it`);
    checkUserOrGroup(toId);
    await this.core.keyed(`6:${id}`, { action: '6', fromId: this.userId, toId, chatMsg: { id } });
  }

  // ---- groups (13, 14, 15) ----------------------------------------------------------------------

  /** Creates a group you own (action 13). Not resent if cut off by a disconnect (DISCONNECTED). */
  createGroup(name: string, members?: string | readonly string[]): Promise<GroupInfo> {
    return this.core.call(() => this.core.groups.create(name, members));
  }

  renameGroup(groupId: string, name: string): Promise<GroupInfo> {
    return this.changeGroup(groupId, () => ({ op: 'rename', name }));
  }

  addMembers(groupId: string, members: string | readonly string[]): Promise<GroupInfo> {
    return this.changeGroup(groupId, () => ({ op: 'add', members: asList(members) }));
  }

  removeMembers(groupId: string, members: string | readonly string[]): Promise<GroupInfo> {
    return this.changeGroup(groupId, () => ({ op: 'remove', members: asList(members) }));
  }

  /** Leaves a group (an owner hands it on). Not resent if cut off by a disconnect. */
  leaveGroup(groupId: string): Promise<GroupInfo> {
    return this.changeGroup(groupId, () => ({ op: 'leave' }));
  }

  /** Dismisses a group you own. Not resent if cut off by a disconnect. */
  dismissGroup(groupId: string): Promise<GroupInfo> {
    return this.changeGroup(groupId, () => ({ op: 'dismiss' }));
  }

  setRole(
    groupId: string,
    members: string | readonly string[],
    role: 'admin' | 'member',
  ): Promise<GroupInfo> {
    return this.changeGroup(groupId, () => ({ op: 'role', members: asList(members), role }));
  }

  /** Mutes members for `durationMs`, or until unmuted when left out. */
  mute(groupId: string, members: string | readonly string[], durationMs?: number): Promise<GroupInfo> {
    const change = {
      op: 'mute' as const,
      members: asList(members),
      ...(durationMs !== undefined && { durationMs }),
    };
    return this.changeGroup(groupId, () => change);
  }

  unmute(groupId: string, members: string | readonly string[]): Promise<GroupInfo> {
    return this.changeGroup(groupId, () => ({ op: 'unmute', members: asList(members) }));
  }

  /** While on, only the owner and admins may post. */
  muteAll(groupId: string, on: boolean): Promise<GroupInfo> {
    return this.changeGroup(groupId, () => ({ op: 'muteAll', on }));
  }

  /** The groups you are a member of (action 15). */
  groups(): Promise<GroupInfo[]> {
    return this.core.call(() => this.core.groups.list());
  }

  /** A group and its members, with how far each has read (action 15 with the group). */
  group(groupId: string): Promise<GroupDetails> {
    return this.core.call(() => this.core.groups.details(groupId));
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
    const page = await this.core.call(() => conversationsPage(this.core.ask, this.userId, opts));
    this.core.reads.seed(page.conversations);
    return page;
  }

  /**
   * Joins a chat room (action 18) and resolves with its recent messages, oldest first. The SDK
   * joins it again after every reconnect (rooms are per connection on the server).
   */
  joinRoom(roomId: string): Promise<HistoryEntry[]> {
    return this.core.call(() => this.core.rooms.join(roomId));
  }

  /** Leaves a chat room (action 19); it is no longer rejoined. */
  leaveRoom(roomId: string): Promise<void> {
    return this.core.call(() => this.core.rooms.leave(roomId));
  }

  // ---- blocklist (20, 21) -----------------------------------------------------------------------

  /**
   * Blocks a user (action 20): from then on its messages, typing signals and friend requests to
   * you are refused with BLOCKED (it learns so). Blocking is one way and not applied in groups.
   */
  block(user: string): Promise<void> {
    return this.core.call(() => setBlocked(this.core.ask, this.userId, user, true));
  }

  /** Unblocks a user (action 20 with `blocked: false`). */
  unblock(user: string): Promise<void> {
    return this.core.call(() => setBlocked(this.core.ask, this.userId, user, false));
  }

  /** The users you blocked, oldest first (action 21). */
  blocked(): Promise<string[]> {
    return this.core.call(() => blockedUsers(this.core.ask, this.userId));
  }

  addFriend(user: string, message?: string): Promise<FriendRequestNotice> {
    return addFriend(this.core.keyed, this.userId, user, message);
  }

  respondFriend(user: string, accepted: boolean): Promise<FriendResponseNotice> {
    return respondFriend(this.core.keyed, this.userId, user, accepted);
  }

  removeFriend(user: string): Promise<UnfriendNotice> {
    return removeFriend(this.core.keyed, this.userId, user);
  }

  /** Uploads a file (`POST /files`) and returns where it lives. */
  uploadFile(data: FileData, opts: UploadOptions): Promise<UploadedFile> {
    return uploadFile(this.core.opts, data, opts);
  }

  /** Uploads a file, then sends its URL as a file message (type 1). */
  async sendFile(to: string, data: FileData, opts: UploadOptions): Promise<FileSendResult> {
    checkConversation(to);
    const file = await this.uploadFile(data, opts);
    return { ...(await this.send(to, { type: 1, message: file.url })), file };
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * An action 14 change of a group. The change is made inside the call, so that a closed client or
   * a bad argument gives a rejection.
   */
  private changeGroup(groupId: string, change: () => GroupChange): Promise<GroupInfo> {
    return this.core.call(() => this.core.groups.change(groupId, change()));
  }
}

function asList(members: string | readonly string[]): string[] {
  return typeof members === 'string' ? [members] : [...members];
}
