import type { ChangeGroupFrame, CreateGroupFrame, GroupsFrame, GroupsReply } from '@parley/protocol';
import type { GroupChange } from '../../store/groups.js';
import { notMember, unknownGroup } from '../groups/group-service.js';
import { groupInfo, groupMember } from '../groups/group-wire.js';
import type { Session } from '../session.js';

/** Action 13: create a group owned by the sender. */
export async function createGroup(s: Session, f: CreateGroupFrame): Promise<void> {
  const group = await s.ctx.groups.create(f.fromId, f.name, f.members ?? []);
  s.reply({ action: '13', toId: f.fromId, group: groupInfo(group) });
}

/** Action 14: change a group; the events reach the members through its timeline. */
export async function changeGroup(s: Session, f: ChangeGroupFrame): Promise<void> {
  const group = await s.ctx.groups.change(f.toId, f.fromId, changeOf(f, s.ctx.clock.now()));
  s.reply({ action: '14', toId: f.fromId, op: f.op, group: groupInfo(group) });
}

/** The store's change for an action 14 frame (a mute's duration becomes an instant). */
export function changeOf(f: ChangeGroupFrame, nowMs: number): GroupChange {
  switch (f.op) {
    case 'mute':
      return {
        op: 'mute',
        members: f.members,
        untilMs: f.durationMs === undefined ? 0 : nowMs + f.durationMs,
      };
    case 'rename':
      return { op: 'rename', name: f.name };
    case 'add':
    case 'remove':
    case 'unmute':
      return { op: f.op, members: f.members };
    case 'leave':
    case 'dismiss':
      return { op: f.op };
    case 'role':
      return { op: 'role', members: f.members, role: f.role };
    case 'muteAll':
      return { op: 'muteAll', on: f.on };
  }
}

/** Action 15: the user's groups, or one group and its members (members only). */
export async function groups(s: Session, f: GroupsFrame): Promise<void> {
  const { store, clock } = s.ctx;
  if (f.toId === undefined) {
    const list = await store.groupsOf(f.fromId);
    s.reply({ action: '15', toId: f.fromId, groups: list.map(groupInfo) });
    return;
  }
  const [group, member] = await Promise.all([store.getGroup(f.toId), store.groupMember(f.toId, f.fromId)]);
  if (!group) throw unknownGroup(f.toId);
  if (!member || member.leftSeq !== undefined) throw notMember(f.toId);
  const now = clock.now();
  const reply: GroupsReply = {
    action: '15',
    toId: f.fromId,
    group: groupInfo(group),
    members: (await store.groupMembers(f.toId)).map((m) => groupMember(m, now)),
  };
  s.reply(reply);
}
