import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@parley/protocol';
import type { GroupChange, GroupEntry, GroupRecord } from '../../store/groups.js';
import type { CoreContext } from '../context.js';
import { CoreError } from '../core-error.js';
import { groupEntryFrame } from './group-wire.js';

/** A fresh group id: `~` and 16 characters of base32 (80 random bits). */
export function newGroupId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let id = '~';
  for (const b of randomBytes(16)) id += alphabet[b & 31];
  return id;
}

/**
 * Creating and changing groups, for action 13 and 14 and for the admin API: the write, then the
 * resulting timeline entries routed to every member concerned.
 */
export class GroupService {
  constructor(private readonly ctx: Pick<CoreContext, 'write' | 'publish' | 'config' | 'clock' | 'time'>) {}

  async create(ownerId: string, name: string, memberIds: readonly string[], groupId = newGroupId()) {
    const r = await this.ctx.write({
      kind: 'createGroup',
      groupId,
      name,
      ownerId,
      memberIds,
      maxMembers: this.ctx.config.maxGroupMembers,
      timeMs: this.ctx.clock.now(),
    });
    switch (r.outcome) {
      case 'created':
        this.publish(r.entries, r.recipients);
        return r.group;
      case 'exists':
        throw new CoreError(ErrorCode.BadRequest, `the group ${groupId} exists already`);
      case 'group_full':
        throw groupFull(this.ctx.config.maxGroupMembers);
      case 'unknown_user':
        throw new CoreError(ErrorCode.UnknownUser, `no user ${r.userId}`);
    }
  }

  async change(groupId: string, actorId: string, change: GroupChange): Promise<GroupRecord> {
    const r = await this.ctx.write({
      kind: 'changeGroup',
      groupId,
      actorId,
      change,
      maxMembers: this.ctx.config.maxGroupMembers,
      timeMs: this.ctx.clock.now(),
    });
    switch (r.outcome) {
      case 'changed':
        this.publish(r.entries, r.recipients);
        return r.group;
      case 'unknown_group':
        throw unknownGroup(groupId);
      case 'dismissed':
        throw dismissed(groupId);
      case 'not_member':
        throw notMember(groupId);
      case 'forbidden':
        throw new CoreError(ErrorCode.Forbidden, `your role in ${groupId} does not allow ${change.op} here`);
      case 'group_full':
        throw groupFull(this.ctx.config.maxGroupMembers);
      case 'unknown_user':
        throw new CoreError(ErrorCode.UnknownUser, `no user ${r.userId}`);
    }
  }

  /**
   * Routes timeline entries to the connections of `recipients`, each serialized once; `origin`, the
   * sending connection, has the entry already (it got the ack).
   */
  publish(entries: readonly GroupEntry[], recipients: readonly string[], origin?: string): void {
    for (const e of entries) {
      const frame = groupEntryFrame(e, this.ctx.time);
      for (const userId of recipients) {
        this.ctx.publish(
          origin === undefined
            ? { kind: 'message', userId, seq: e.seq, stream: e.groupId, frame }
            : { kind: 'message', userId, seq: e.seq, stream: e.groupId, frame, origin },
        );
      }
    }
  }
}

export const unknownGroup = (id: string) => new CoreError(ErrorCode.UnknownGroup, `no group ${id}`);
export const dismissed = (id: string) =>
  new CoreError(ErrorCode.GroupDismissed, `the group ${id} was dismissed`);
export const notMember = (id: string) => new CoreError(ErrorCode.NotMember, `you are not a member of ${id}`);
const groupFull = (max: number) =>
  new CoreError(ErrorCode.GroupFull, `a group has at most ${max} members (MAX_GROUP_MEMBERS)`);
