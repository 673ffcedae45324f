import {
  ErrorCode,
  type GroupEventFrame,
  type GroupReadReceipt,
  isParleyError,
  type ParleyClient,
} from '@parley/client';
import { compareEntries, eventEntryFrom } from '../chat/chat-entry.js';
import type { Timeline } from '../chat/timeline.js';
import { type ConversationRef, groupRef } from '../conversations/conversation.js';
import type { ConversationList } from '../conversations/conversation-list.js';
import type { GroupDirectory } from '../groups/group-directory.js';
import { describeError } from './describe-error.js';

/** What group handling needs from the session. */
export interface GroupHost {
  readonly me: string;
  readonly conversations: ConversationList;
  readonly groups: GroupDirectory;
  client(): ParleyClient;
  timeline(ref: ConversationRef): Timeline;
  /** The open conversation's key. */
  activeKey(): string | undefined;
  setName(userId: string, name: string): void;
  changed(): void;
}

/** A change's outcome: undefined when done, else a sentence about why not. */
export type Outcome = string | undefined;

/**
 * Groups on the page: creating and changing them (actions 13, 14), their members (15), their
 * membership events (16) as lines of the chat and changes of the list, and read receipts.
 */
export class GroupActions {
  constructor(private readonly host: GroupHost) {}

  /** Creates a group owned by this user; resolves with its id, or a sentence about why not. */
  async create(name: string, members: readonly string[]): Promise<{ id: string } | { error: string }> {
    try {
      const info = await this.host.client().createGroup(name, members);
      this.host.groups.setInfo(info, true);
      const ref = groupRef(info.id);
      this.host.conversations.ensure(ref, info.name);
      this.host.conversations.touch(ref, info.ts);
      return { id: info.id };
    } catch (err) {
      return { error: describeError(err) };
    }
  }

  rename(id: string, name: string): Promise<Outcome> {
    return this.change(id, (c) => c.renameGroup(id, name));
  }

  add(id: string, members: readonly string[]): Promise<Outcome> {
    return this.change(id, (c) => c.addMembers(id, members));
  }

  remove(id: string, userId: string): Promise<Outcome> {
    return this.change(id, (c) => c.removeMembers(id, userId));
  }

  leave(id: string): Promise<Outcome> {
    return this.change(id, (c) => c.leaveGroup(id));
  }

  /** The groups this user is in now (at connect): the others in the list it left or was removed from. */
  async loadMine(): Promise<void> {
    const mine = await this.host.client().groups();
    this.host.groups.setMine(mine);
    for (const info of mine) this.host.conversations.ensure(groupRef(info.id), info.name);
  }

  /** A group's members, roles and read positions (when its chat opens, and after changes). */
  async loadMembers(id: string): Promise<void> {
    try {
      const { group, members } = await this.host.client().group(id);
      for (const m of members) if (m.name) this.host.setName(m.userId, m.name);
      this.host.groups.setMembers(id, group, members);
      this.host.conversations.ensure(groupRef(id), group.name);
    } catch (err) {
      if (isParleyError(err) && err.code === ErrorCode.NotMember) this.host.groups.setMembership(id, false);
    }
  }

  /** A membership event: a line in the chat, and what it changes for this user and the list. */
  onEvent(f: GroupEventFrame): void {
    const { me, groups, conversations } = this.host;
    const id = f.toId;
    const ev = f.event;
    const ref = groupRef(id);
    this.host.timeline(ref).put([eventEntryFrom(f)]);
    const aboutMe = ev.users?.includes(me) === true;
    switch (ev.type) {
      case 'created':
      case 'joined':
        if (aboutMe) {
          groups.setMembership(id, true);
          conversations.ensure(ref, ev.name);
          conversations.touch(ref, ev.ts);
        }
        break;
      case 'removed':
      case 'left':
        if (aboutMe) groups.setMembership(id, false);
        break;
      case 'renamed':
        if (ev.name !== undefined) {
          groups.rename(id, ev.name);
          conversations.ensure(ref, ev.name);
        }
        break;
      case 'dismissed':
        groups.dismissed(id);
        break;
      default:
        break;
    }
    const g = groups.get(id);
    // members, roles and the name are asked again where they are shown or still unknown
    const shown = this.host.activeKey() === `group:${id}` || g.members !== undefined || g.info === undefined;
    if (g.member !== false && shown) void this.loadMembers(id);
    this.host.changed();
  }

  /** A member read up to one of this user's messages: so also this user's earlier ones. */
  onReceipt(r: GroupReadReceipt): void {
    const tl = this.host.timeline(groupRef(r.groupId));
    const counts = this.host.groups.get(r.groupId).readCounts;
    const target = tl.get(r.id);
    if (target?.seq !== undefined) counts.raise(r.readerId, target.seq);
    const upTo = target
      ? tl
          .list()
          .filter((e) => e.fromId === this.host.me && e.id !== undefined && compareEntries(e, target) <= 0)
          .map((e) => e.id as string)
      : [r.id];
    counts.receipt(upTo, r.readerId);
    this.host.groups.touched();
    this.host.changed();
  }

  private async change(id: string, run: (c: ParleyClient) => Promise<unknown>): Promise<Outcome> {
    try {
      await run(this.host.client());
      await this.loadMembers(id);
      return undefined;
    } catch (err) {
      if (isParleyError(err) && err.code === ErrorCode.NotMember) this.host.groups.setMembership(id, false);
      return describeError(err);
    }
  }
}
