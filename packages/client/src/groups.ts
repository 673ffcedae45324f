import type {
  ChangeGroupFrame,
  ChangeGroupReply,
  CreateGroupFrame,
  CreateGroupReply,
  GroupInfo,
  GroupMember,
  GroupsFrame,
  GroupsReply,
} from '@parley/protocol';
import { ParleyError } from './errors.js';
import type { GroupDetails, InboundFrame, OutboundFrame } from './types.js';
import { checkGroup, checkGroupName, checkMembers } from './validate.js';

/** Sends a request answered by the next reply of its action; `once`: never resent once written. */
export type Ask = (frame: OutboundFrame, opts?: { once?: boolean }) => Promise<InboundFrame>;

/** An action 14 change without its addressing: `{ op: 'rename', name }`, `{ op: 'leave' }`... */
export type GroupChange = ChangeGroupFrame extends infer F
  ? F extends unknown
    ? Omit<F, 'action' | 'fromId' | 'toId'>
    : never
  : never;

/** Changes that cannot be repeated harmlessly: a resend could fail although the first one worked. */
const ONCE_OPS: ReadonlySet<string> = new Set(['leave', 'dismiss']);

/** Groups: create (13), change (14), list and members (15). */
export class Groups {
  constructor(
    private readonly userId: string,
    private readonly ask: Ask,
  ) {}

  /** Creates a group owned by this user; `members` may leave the creator out. */
  async create(name: string, members: string | readonly string[] = []): Promise<GroupInfo> {
    checkGroupName(name);
    const list = checkMembers(members, 0);
    const frame: CreateGroupFrame = { action: '13', fromId: this.userId, name };
    if (list.length > 0) frame.members = list;
    // not idempotent: a create cut off by a disconnect is not resent (it may have made a group)
    return groupOf(await this.ask(frame, { once: true }));
  }

  /** Any action 14 change; resolves with the group after it. */
  async change(groupId: string, change: GroupChange): Promise<GroupInfo> {
    checkGroup(groupId);
    checkChange(change);
    const frame = { action: '14', fromId: this.userId, toId: groupId, ...change } as ChangeGroupFrame;
    return groupOf(await this.ask(frame, { once: ONCE_OPS.has(change.op) }));
  }

  /** The groups this user is a member of. */
  async list(): Promise<GroupInfo[]> {
    const frame: GroupsFrame = { action: '15', fromId: this.userId };
    const reply = (await this.ask(frame)) as GroupsReply;
    return Array.isArray(reply.groups) ? reply.groups : [];
  }

  /** A group and its members (members only). */
  async details(groupId: string): Promise<GroupDetails> {
    checkGroup(groupId);
    const frame: GroupsFrame = { action: '15', fromId: this.userId, toId: groupId };
    const reply = (await this.ask(frame)) as GroupsReply;
    if (!reply.group) throw new ParleyError('PROTOCOL', 'a group reply without the group', { action: '15' });
    return { group: reply.group, members: Array.isArray(reply.members) ? reply.members : [] };
  }
}

function checkChange(change: GroupChange): void {
  switch (change.op) {
    case 'rename':
      checkGroupName(change.name);
      return;
    case 'add':
    case 'remove':
    case 'unmute':
      checkMembers(change.members);
      return;
    case 'role':
      checkMembers(change.members);
      if (change.role !== 'admin' && change.role !== 'member') {
        throw new ParleyError('INVALID_ARGUMENT', "role must be 'admin' or 'member'");
      }
      return;
    case 'mute':
      checkMembers(change.members);
      if (
        change.durationMs !== undefined &&
        !(Number.isSafeInteger(change.durationMs) && change.durationMs > 0)
      ) {
        throw new ParleyError('INVALID_ARGUMENT', 'durationMs must be a positive integer (ms)');
      }
      return;
    case 'muteAll':
      if (typeof change.on !== 'boolean')
        throw new ParleyError('INVALID_ARGUMENT', 'on must be true or false');
      return;
    case 'leave':
    case 'dismiss':
      return;
    default:
      throw new ParleyError(
        'INVALID_ARGUMENT',
        `unknown group change ${JSON.stringify((change as { op: unknown }).op)}`,
      );
  }
}

function groupOf(reply: InboundFrame): GroupInfo {
  const group = (reply as CreateGroupReply | ChangeGroupReply).group;
  if (!group) throw new ParleyError('PROTOCOL', 'a group reply without the group', { action: reply.action });
  return group;
}

/**
 * The members who have read the group message at position `seq`: every member but its sender that
 * was there for it (`joinedSeq` below `seq`) and whose `readSeq` is at least `seq` (from
 * `group(id).members`). Its length is the read count, as the server counts `readCount`.
 */
export function readersOf(members: readonly GroupMember[], seq: number, senderId: string): GroupMember[] {
  return members.filter((m) => m.userId !== senderId && m.joinedSeq < seq && m.readSeq >= seq);
}

/**
 * The highest position of each group's timeline this client has received live (messages,
 * events, recalls). Group positions are per group: they never move the user's sync cursor.
 */
export class GroupCursors {
  private readonly seqs = new Map<string, number>();

  advance(groupId: string, seq: number): void {
    if (!Number.isSafeInteger(seq)) return;
    const last = this.seqs.get(groupId);
    if (last === undefined || seq > last) this.seqs.set(groupId, seq);
  }

  get(groupId: string): number | undefined {
    return this.seqs.get(groupId);
  }
}
