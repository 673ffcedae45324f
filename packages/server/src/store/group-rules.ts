import type { GroupRole } from '@parley/protocol';
import type { GroupChange, GroupEventData, MemberRecord } from './groups.js';

/**
 * The decisions behind group changes, written once for every store. A store loads the group and
 * its members (inside its write transaction, locked where it has concurrent writers), asks
 * `planGroupChange`, and executes the steps in order: each step's event takes the group's next
 * position, and its member changes are applied at that position.
 */

export interface GroupFacts {
  ownerId: string;
  dismissed: boolean;
  mutedAll: boolean;
}

export interface MemberFacts {
  userId: string;
  role: GroupRole;
  /** Order of joining: the owner passes to the longest-standing admin, else member. */
  joinedSeq: number;
  muted: boolean;
}

/** A change to one member row, applied at the position of its step's event. */
export type MemberChange =
  /** Joins (again): sees the entries from its joined event on. */
  | { kind: 'join'; userId: string; role: GroupRole }
  /** Leaves or is removed: sees the entries up to its event, then nothing. */
  | { kind: 'part'; userId: string }
  | { kind: 'role'; userId: string; role: GroupRole }
  /** `untilMs` 0: until unmuted; undefined: not muted. */
  | { kind: 'mute'; userId: string; untilMs: number | undefined };

/** A change of the group row itself. */
export type GroupRowChange =
  | { kind: 'rename'; name: string }
  | { kind: 'owner'; userId: string }
  | { kind: 'mutedAll'; on: boolean }
  | { kind: 'dismiss' };

export interface GroupStep {
  event: GroupEventData;
  members: MemberChange[];
  group: GroupRowChange[];
}

export type GroupPlan =
  | { outcome: 'changed'; steps: GroupStep[] }
  | { outcome: 'dismissed' | 'not_member' | 'forbidden' | 'group_full' }
  | { outcome: 'unknown_user'; userId: string };

export interface PlanLimits {
  maxMembers: number;
  /** Users among the change's targets that exist (for `add`). */
  existing: ReadonlySet<string>;
}

const rank: Record<GroupRole, number> = { owner: 0, admin: 1, member: 2 };

/** Whether `actor` may act on `target` (remove, mute): the owner on anyone else, admins on members. */
function outranks(actor: GroupRole, target: GroupRole): boolean {
  return actor === 'owner' ? target !== 'owner' : actor === 'admin' && target === 'member';
}

/**
 * What a change does, or why it is refused. Members that a change does not concern (adding one
 * already in, removing one that is not) are left out of its event; a change that concerns nobody
 * has no steps.
 */
export function planGroupChange(
  group: GroupFacts,
  members: ReadonlyMap<string, MemberFacts>,
  actorId: string,
  change: GroupChange,
  limits: PlanLimits,
): GroupPlan {
  if (group.dismissed) return { outcome: 'dismissed' };
  const actor = members.get(actorId);
  if (!actor) return { outcome: 'not_member' };
  const manager = actor.role !== 'member';
  switch (change.op) {
    case 'rename':
      if (!manager) return { outcome: 'forbidden' };
      return step({ type: 'renamed', name: change.name }, [], [{ kind: 'rename', name: change.name }]);
    case 'add': {
      if (!manager) return { outcome: 'forbidden' };
      const unknown = change.members.find((u) => !limits.existing.has(u));
      if (unknown !== undefined) return { outcome: 'unknown_user', userId: unknown };
      const users = unique(change.members.filter((u) => !members.has(u)));
      if (users.length === 0) return { outcome: 'changed', steps: [] };
      if (members.size + users.length > limits.maxMembers) return { outcome: 'group_full' };
      return step(
        { type: 'joined', users },
        users.map((userId) => ({ kind: 'join', userId, role: 'member' })),
      );
    }
    case 'remove': {
      const targets = unique(change.members.filter((u) => members.has(u)));
      if (targets.some((u) => u === actorId || !outranks(actor.role, members.get(u)!.role)))
        return { outcome: 'forbidden' };
      if (targets.length === 0) return { outcome: 'changed', steps: [] };
      return step(
        { type: 'removed', users: targets },
        targets.map((userId) => ({ kind: 'part', userId })),
      );
    }
    case 'leave':
      return leave(members, actor);
    case 'dismiss':
      if (actor.role !== 'owner') return { outcome: 'forbidden' };
      return step({ type: 'dismissed' }, [], [{ kind: 'dismiss' }]);
    case 'role': {
      if (actor.role !== 'owner') return { outcome: 'forbidden' };
      const targets = unique(change.members.filter((u) => members.has(u)));
      if (targets.includes(actorId)) return { outcome: 'forbidden' };
      const changed = targets.filter((u) => members.get(u)!.role !== change.role);
      if (changed.length === 0) return { outcome: 'changed', steps: [] };
      return step(
        { type: 'role', users: changed, role: change.role },
        changed.map((userId) => ({ kind: 'role', userId, role: change.role })),
      );
    }
    case 'mute':
    case 'unmute': {
      const targets = unique(change.members.filter((u) => members.has(u)));
      if (targets.some((u) => u === actorId || !outranks(actor.role, members.get(u)!.role)))
        return { outcome: 'forbidden' };
      const affected = change.op === 'mute' ? targets : targets.filter((u) => members.get(u)!.muted);
      if (affected.length === 0) return { outcome: 'changed', steps: [] };
      const untilMs = change.op === 'mute' ? change.untilMs : undefined;
      return step(
        change.op === 'mute'
          ? { type: 'muted', users: affected, untilMs: change.untilMs }
          : { type: 'unmuted', users: affected },
        affected.map((userId) => ({ kind: 'mute', userId, untilMs })),
      );
    }
    case 'muteAll':
      if (!manager) return { outcome: 'forbidden' };
      if (group.mutedAll === change.on) return { outcome: 'changed', steps: [] };
      return step({ type: 'mutedAll', on: change.on }, [], [{ kind: 'mutedAll', on: change.on }]);
  }
}

/** The owner leaving hands the group on first; the last member leaving dismisses it. */
function leave(members: ReadonlyMap<string, MemberFacts>, actor: MemberFacts): GroupPlan {
  const left: GroupStep = {
    event: { type: 'left', users: [actor.userId] },
    members: [{ kind: 'part', userId: actor.userId }],
    group: [],
  };
  const others = [...members.values()].filter((m) => m.userId !== actor.userId);
  if (others.length === 0) {
    return {
      outcome: 'changed',
      steps: [left, { event: { type: 'dismissed' }, members: [], group: [{ kind: 'dismiss' }] }],
    };
  }
  if (actor.role !== 'owner') return { outcome: 'changed', steps: [left] };
  const heir = others.sort(
    (a, b) => rank[a.role] - rank[b.role] || a.joinedSeq - b.joinedSeq || (a.userId < b.userId ? -1 : 1),
  )[0]!;
  const handOver: GroupStep = {
    event: { type: 'owner', users: [heir.userId] },
    members: [{ kind: 'role', userId: heir.userId, role: 'owner' }],
    group: [{ kind: 'owner', userId: heir.userId }],
  };
  return { outcome: 'changed', steps: [handOver, left] };
}

function step(event: GroupEventData, members: MemberChange[], group: GroupRowChange[] = []): GroupPlan {
  return { outcome: 'changed', steps: [{ event, members, group }] };
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/** Whether a member may post now: not muted, and while the group is muted, an owner or admin. */
export function mayPost(
  group: GroupFacts,
  member: { role: GroupRole; mutedUntilMs: number | undefined },
  nowMs: number,
): boolean {
  if (isMuted(member.mutedUntilMs, nowMs)) return false;
  return !group.mutedAll || member.role !== 'member';
}

/** Whether a member's mute is still in force. */
export function isMuted(mutedUntilMs: number | undefined, nowMs: number): boolean {
  return mutedUntilMs !== undefined && (mutedUntilMs === 0 || mutedUntilMs > nowMs);
}

/** The facts the planner needs of a group's current members, as of `nowMs`. */
export function memberFacts(members: readonly MemberRecord[], nowMs: number): Map<string, MemberFacts> {
  const facts = new Map<string, MemberFacts>();
  for (const m of members) {
    facts.set(m.userId, {
      userId: m.userId,
      role: m.role,
      joinedSeq: m.joinedSeq,
      muted: isMuted(m.mutedUntilMs, nowMs),
    });
  }
  return facts;
}
