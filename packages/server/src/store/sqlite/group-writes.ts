import { type GroupPlan, mayPost, memberFacts, planGroupChange } from '../group-rules.js';
import { EntryKind, type GroupEntry, type GroupEventData, RoleCode } from '../groups.js';
import { digestWithoutBody, recallOutcome, storedDigest } from '../rules.js';
import type { AppendResult, NewMessage, WriteOps } from '../store.js';
import { toGroup, toMember } from './group-rows.js';
import { factsOf, toMessage } from './rows.js';
import type { Statements } from './statements.js';

type Result<K extends keyof WriteOps> = WriteOps[K]['result'];
type Op<K extends keyof WriteOps> = WriteOps[K]['op'];

/** The group write operations, run inside the batch transaction. */
export function createGroup(sql: Statements, op: Op<'createGroup'>): Result<'createGroup'> {
  if (sql.group.get(op.groupId)) return { outcome: 'exists' };
  const members = [...new Set([op.ownerId, ...op.memberIds])];
  const unknown = members.find((u) => !sql.userExists.get(u));
  if (unknown !== undefined) return { outcome: 'unknown_user', userId: unknown };
  if (members.length > op.maxMembers) return { outcome: 'group_full' };
  sql.insertGroup.run(op.groupId, op.name, op.ownerId, members.length, op.timeMs);
  const entry = appendEvent(sql, op.groupId, op.ownerId, op.timeMs, {
    type: 'created',
    name: op.name,
    users: members,
  });
  for (const userId of members) {
    sql.joinMember.run(op.groupId, userId, RoleCode[userId === op.ownerId ? 'owner' : 'member'], 0, 0, 0);
    sql.startConversation.run(userId, op.groupId, op.timeMs, 0);
  }
  return {
    outcome: 'created',
    group: toGroup(sql.group.get(op.groupId)!),
    entries: [entry],
    recipients: members,
  };
}

export function changeGroup(sql: Statements, op: Op<'changeGroup'>): Result<'changeGroup'> {
  const row = sql.group.get(op.groupId);
  if (!row) return { outcome: 'unknown_group' };
  const members = memberFacts(sql.members.all(op.groupId).map(toMember), op.timeMs);
  const targets = 'members' in op.change ? op.change.members : [];
  const existing = new Set(targets.filter((u) => members.has(u) || sql.userExists.get(u)));
  const plan: GroupPlan = planGroupChange(toGroup(row), members, op.actorId, op.change, {
    maxMembers: op.maxMembers,
    existing,
  });
  if (plan.outcome !== 'changed') return plan;
  const recipients = new Set(members.keys());
  const entries: GroupEntry[] = [];
  for (const step of plan.steps) {
    const entry = appendEvent(sql, op.groupId, op.actorId, op.timeMs, step.event);
    entries.push(entry);
    const seq = entry.seq;
    for (const c of step.members) {
      switch (c.kind) {
        case 'join':
          // it sees its own joined event and what follows
          sql.joinMember.run(op.groupId, c.userId, RoleCode[c.role], seq - 1, seq - 1, seq - 1);
          sql.startConversation.run(c.userId, op.groupId, op.timeMs, seq - 1);
          recipients.add(c.userId);
          break;
        case 'part':
          sql.partMember.run(seq, op.groupId, c.userId);
          break;
        case 'role':
          sql.setRole.run(RoleCode[c.role], op.groupId, c.userId);
          break;
        case 'mute':
          sql.setMute.run(c.untilMs ?? null, op.groupId, c.userId);
          break;
      }
    }
    for (const g of step.group) {
      if (g.kind === 'rename') sql.renameGroup.run(g.name, op.groupId);
      else if (g.kind === 'owner') sql.setOwner.run(g.userId, op.groupId);
      else if (g.kind === 'mutedAll') sql.setMutedAll.run(g.on ? 1 : 0, op.groupId);
      else sql.dismissGroup.run(op.groupId);
    }
  }
  sql.countMembers.run(op.groupId);
  return {
    outcome: 'changed',
    group: toGroup(sql.group.get(op.groupId)!),
    entries,
    recipients: [...recipients],
  };
}

function appendEvent(
  sql: Statements,
  groupId: string,
  actorId: string,
  timeMs: number,
  event: GroupEventData,
): GroupEntry {
  const seq = sql.nextGroupSeq.get(groupId)!.seq;
  sql.insertGroupEntry.run(groupId, seq, EntryKind.Event, null, actorId, JSON.stringify(event), timeMs);
  return { kind: 'event', groupId, seq, actorId, timeMs, event };
}

/** A message to a group whose id the sender holds: checked against the group, stored once. */
export function appendToGroup(sql: Statements, m: NewMessage & { asSystem?: boolean }): AppendResult {
  const row = sql.group.get(m.toId);
  if (!row) return { outcome: 'unknown_group' };
  if (row.dismissed === 1) return { outcome: 'dismissed' };
  const member = sql.member.get(m.toId, m.fromId);
  // the server API's system sender posts without being a member
  if (!m.asSystem && (!member || member.left_seq !== null)) return { outcome: 'not_member' };
  if (!m.asSystem && !mayPost(toGroup(row), toMember(member!), m.timeMs)) return { outcome: 'muted' };
  const seq = sql.nextGroupSeq.get(m.toId)!.seq;
  sql.insertMessage.run(
    m.msgId,
    m.fromId,
    m.toId,
    m.type,
    m.body,
    storedDigest(m),
    m.timeMs,
    null,
    null,
    null,
    null,
  );
  sql.insertGroupEntry.run(m.toId, seq, EntryKind.Message, m.msgId, m.fromId, null, m.timeMs);
  sql.touchGroupConversations.run(m.timeMs, m.msgId, m.fromId, m.toId, m.toId);
  // the sender has read its own message
  sql.senderRead.run(seq, seq, seq, m.toId, m.fromId);
  sql.readGroupConversation.run(seq, m.toId, seq, m.fromId, m.fromId, m.toId);
  const { msgId, fromId, toId, type, body, timeMs } = m;
  return {
    outcome: 'stored',
    message: { seq, msgId, fromId, toId, type, body, status: 1, timeMs, recalled: false },
    recipients: memberIds(sql, toId),
  };
}

/** The same group message again: its position, and the members to route it to again. */
export function groupRetry(sql: Statements, groupId: string, msgId: number): AppendResult {
  const existing = sql.messageById.get(msgId)!;
  const seq = sql.messageSeq.get(groupId, msgId)!.seq;
  return { outcome: 'retry', message: { seq, ...toMessage(existing) }, recipients: memberIds(sql, groupId) };
}

function memberIds(sql: Statements, groupId: string): string[] {
  return sql.memberIds.all(groupId).map((r) => r.user_id);
}

export function groupConfirm(sql: Statements, op: Op<'groupConfirm'>): Result<'groupConfirm'> {
  sql.confirmMember.run(op.seq, op.groupId, op.userId);
  return null;
}

export function groupRead(sql: Statements, op: Op<'groupRead'>): Result<'groupRead'> {
  const seq = sql.messageSeq.get(op.groupId, op.msgId)?.seq;
  const member = sql.member.get(op.groupId, op.readerId);
  if (seq === undefined || !member || member.left_seq !== null || seq <= member.joined_seq)
    return { outcome: 'not_found' };
  if (sql.readMember.run(seq, seq, op.groupId, op.readerId, seq).changes === 0) return { outcome: 'already' };
  sql.readGroupConversation.run(seq, op.groupId, seq, op.readerId, op.readerId, op.groupId);
  const senderId = sql.messageById.get(op.msgId)!.from_id;
  return { outcome: 'read', seq, senderId, readCount: sql.readCount.get(op.groupId, seq, seq, senderId)!.n };
}

export function groupRecall(sql: Statements, op: Op<'groupRecall'>): Result<'groupRecall'> {
  const row = sql.messageById.get(op.msgId);
  const member = sql.member.get(op.groupId, op.userId);
  // only members learn that a message exists
  if (!member || member.left_seq !== null) return { outcome: 'not_found' };
  if (row && row.to_id === op.groupId && row.from_id !== op.userId) return { outcome: 'forbidden' };
  const outcome = recallOutcome(factsOf(row), { ...op, peerId: op.groupId, notice: '' });
  if (outcome !== 'recall' || !row) return { outcome: outcome === 'recall' ? 'not_found' : outcome };
  if (sql.setMessageRecalled.run(digestWithoutBody(row), op.msgId).changes === 0)
    return { outcome: 'already' };
  const seq = sql.nextGroupSeq.get(op.groupId)!.seq;
  sql.insertGroupEntry.run(op.groupId, seq, EntryKind.Recall, op.msgId, op.userId, null, op.timeMs);
  const message = toMessage(sql.messageById.get(op.msgId)!);
  return {
    outcome: 'recalled',
    entry: { kind: 'recall', groupId: op.groupId, seq, message },
    recipients: memberIds(sql, op.groupId),
  };
}
