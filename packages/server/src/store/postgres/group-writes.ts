import {
  type GroupRowChange,
  type MemberChange,
  mayPost,
  memberFacts,
  planGroupChange,
} from '../group-rules.js';
import { EntryKind, type GroupEntry, type GroupEventData, RoleCode, RoleOfCode } from '../groups.js';
import { digestWithoutBody, recallOutcome, storedDigest } from '../rules.js';
import type { AppendResult, NewMessage, WriteOps } from '../store.js';
import { toGroup, toMember } from './group-rows.js';
import { factsOf, type MessageRow, toMessage } from './rows.js';
import { type Db, SQL } from './statements.js';
import { toDb } from './text.js';

type Result<K extends keyof WriteOps> = WriteOps[K]['result'];
type Op<K extends keyof WriteOps> = WriteOps[K]['op'];

/**
 * The group write operations, run inside the batch transaction with the row of every group the
 * batch touches locked (`groupsTouched` in locks.ts): nothing else changes the group, its members,
 * its timeline or its members' conversation rows for the group until the batch commits.
 */
export async function createGroup(db: Db, op: Op<'createGroup'>): Promise<Result<'createGroup'>> {
  if (await db.get(SQL.group, op.groupId)) return { outcome: 'exists' };
  const members = [...new Set([op.ownerId, ...op.memberIds])];
  const known = new Set((await db.all(SQL.existingUsers, members)).map((r) => r.id));
  const unknown = members.find((u) => !known.has(u));
  if (unknown !== undefined) return { outcome: 'unknown_user', userId: unknown };
  if (members.length > op.maxMembers) return { outcome: 'group_full' };
  // a batch creating the same id concurrently holds no lock this one waits for first: the insert decides
  const inserted = await db.get(
    SQL.insertGroup,
    op.groupId,
    toDb(op.name),
    op.ownerId,
    members.length,
    op.timeMs,
  );
  if (!inserted) return { outcome: 'exists' };
  const entry = await appendEvent(db, op.groupId, op.ownerId, op.timeMs, {
    type: 'created',
    name: op.name,
    users: members,
  });
  const roles = members.map((u) => RoleCode[u === op.ownerId ? 'owner' : 'member']);
  await db.run(SQL.joinMembers, op.groupId, members, roles, 0, op.timeMs);
  return {
    outcome: 'created',
    group: toGroup((await db.get(SQL.group, op.groupId))!),
    entries: [entry],
    recipients: members,
  };
}

export async function changeGroup(db: Db, op: Op<'changeGroup'>): Promise<Result<'changeGroup'>> {
  const row = await db.get(SQL.group, op.groupId);
  if (!row) return { outcome: 'unknown_group' };
  const members = memberFacts((await db.all(SQL.members, op.groupId)).map(toMember), op.timeMs);
  const targets = 'members' in op.change ? op.change.members : [];
  const outsiders = targets.filter((u) => !members.has(u));
  const existing = new Set(targets.filter((u) => members.has(u)));
  if (outsiders.length > 0) for (const r of await db.all(SQL.existingUsers, outsiders)) existing.add(r.id);
  const plan = planGroupChange(toGroup(row), members, op.actorId, op.change, {
    maxMembers: op.maxMembers,
    existing,
  });
  if (plan.outcome !== 'changed') return plan;
  const recipients = new Set(members.keys());
  const entries: GroupEntry[] = [];
  for (const step of plan.steps) {
    const entry = await appendEvent(db, op.groupId, op.actorId, op.timeMs, step.event);
    entries.push(entry);
    await applyMemberChanges(db, op.groupId, entry.seq, op.timeMs, step.members);
    for (const c of step.members) if (c.kind === 'join') recipients.add(c.userId);
    for (const g of step.group) await applyGroupChange(db, op.groupId, g);
  }
  const group = await db.get(plan.steps.length > 0 ? SQL.countMembers : SQL.group, op.groupId);
  return { outcome: 'changed', group: toGroup(group!), entries, recipients: [...recipients] };
}

/** A step's member changes at its event's position `seq`, one statement per kind. */
async function applyMemberChanges(
  db: Db,
  groupId: string,
  seq: number,
  timeMs: number,
  changes: readonly MemberChange[],
): Promise<void> {
  const of = <K extends MemberChange['kind']>(kind: K) =>
    changes.filter((c): c is Extract<MemberChange, { kind: K }> => c.kind === kind);
  const joins = of('join');
  // it sees its own joined event and what follows
  if (joins.length > 0) {
    const roles = joins.map((c) => RoleCode[c.role]);
    await db.run(
      SQL.joinMembers,
      groupId,
      joins.map((c) => c.userId),
      roles,
      seq - 1,
      timeMs,
    );
  }
  const parts = of('part');
  if (parts.length > 0)
    await db.run(
      SQL.partMembers,
      groupId,
      parts.map((c) => c.userId),
      seq,
    );
  const roles = of('role');
  if (roles.length > 0) {
    await db.run(
      SQL.setRoles,
      groupId,
      roles.map((c) => c.userId),
      roles.map((c) => RoleCode[c.role]),
    );
  }
  const mutes = of('mute');
  if (mutes.length > 0) {
    await db.run(
      SQL.setMutes,
      groupId,
      mutes.map((c) => c.userId),
      mutes.map((c) => c.untilMs ?? null),
    );
  }
}

function applyGroupChange(db: Db, groupId: string, g: GroupRowChange): Promise<number> {
  switch (g.kind) {
    case 'rename':
      return db.run(SQL.renameGroup, groupId, toDb(g.name));
    case 'owner':
      return db.run(SQL.setOwner, groupId, g.userId);
    case 'mutedAll':
      return db.run(SQL.setMutedAll, groupId, g.on);
    case 'dismiss':
      return db.run(SQL.dismissGroup, groupId);
  }
}

async function appendEvent(
  db: Db,
  groupId: string,
  actorId: string,
  timeMs: number,
  event: GroupEventData,
): Promise<GroupEntry> {
  // JSON writes U+0000 as an escape: the text never holds one
  const data = JSON.stringify(event);
  const { seq } = (await db.get(
    SQL.appendGroupEntry,
    groupId,
    EntryKind.Event,
    actorId,
    null,
    data,
    timeMs,
  ))!;
  return { kind: 'event', groupId, seq, actorId, timeMs, event };
}

/** A message to a group whose id the sender holds: checked against the group, stored once. */
export async function appendToGroup(db: Db, m: NewMessage & { asSystem?: boolean }): Promise<AppendResult> {
  const facts = await db.get(SQL.postingFacts, m.toId, m.fromId);
  if (!facts) return { outcome: 'unknown_group' };
  if (facts.dismissed) return { outcome: 'dismissed' };
  // the server API's system sender posts without being a member
  if (!m.asSystem && (facts.role === null || facts.left_seq !== null)) return { outcome: 'not_member' };
  const group = { ownerId: '', dismissed: false, mutedAll: facts.muted_all };
  const member = {
    role: RoleOfCode[facts.role ?? 2] ?? 'member',
    mutedUntilMs: facts.muted_until_ms ?? undefined,
  };
  if (!m.asSystem && !mayPost(group, member, m.timeMs)) return { outcome: 'muted' };
  const stored = (await db.get(
    SQL.storeGroupMessage,
    m.toId,
    m.msgId,
    m.fromId,
    m.type,
    toDb(m.body),
    storedDigest(m),
    m.timeMs,
  ))!;
  const { msgId, fromId, toId, type, body, timeMs } = m;
  return {
    outcome: 'stored',
    message: { seq: stored.seq, msgId, fromId, toId, type, body, status: 1, timeMs, recalled: false },
    recipients: stored.recipients,
  };
}

/** The same group message again: its position, and the members to route it to again. */
export async function groupRetry(db: Db, existing: MessageRow): Promise<AppendResult> {
  const seq = (await db.get(SQL.groupMessageSeq, existing.to_id, existing.msg_id))!.seq;
  return {
    outcome: 'retry',
    message: { seq, ...toMessage(existing) },
    recipients: await memberIds(db, existing.to_id),
  };
}

async function memberIds(db: Db, groupId: string): Promise<string[]> {
  return (await db.all(SQL.memberIds, groupId)).map((r) => r.user_id);
}

export async function groupConfirm(db: Db, op: Op<'groupConfirm'>): Promise<Result<'groupConfirm'>> {
  await db.run(SQL.confirmMember, op.groupId, op.userId, op.seq);
  return null;
}

export async function groupRead(db: Db, op: Op<'groupRead'>): Promise<Result<'groupRead'>> {
  const seq = (await db.get(SQL.groupMessageSeq, op.groupId, op.msgId))?.seq;
  if (seq === undefined) return { outcome: 'not_found' };
  const member = await db.get(SQL.member, op.groupId, op.readerId);
  if (!member || member.left_seq !== null || seq <= member.joined_seq) return { outcome: 'not_found' };
  if (!(await db.get(SQL.readMember, op.groupId, op.readerId, seq))) return { outcome: 'already' };
  const read = (await db.get(SQL.readGroupConversation, op.groupId, op.readerId, seq, op.msgId))!;
  return { outcome: 'read', seq, senderId: read.sender_id, readCount: read.read_count };
}

export async function groupRecall(db: Db, op: Op<'groupRecall'>): Promise<Result<'groupRecall'>> {
  const row = await db.get(SQL.messageById, op.msgId);
  const member = await db.get(SQL.member, op.groupId, op.userId);
  // only members learn that a message exists
  if (!member || member.left_seq !== null) return { outcome: 'not_found' };
  if (row && row.to_id === op.groupId && row.from_id !== op.userId) return { outcome: 'forbidden' };
  const outcome = recallOutcome(factsOf(row), { ...op, peerId: op.groupId, notice: '' });
  if (outcome !== 'recall' || !row) return { outcome: outcome === 'recall' ? 'not_found' : outcome };
  if ((await db.run(SQL.setMessageRecalled, digestWithoutBody(factsOf(row)!), op.msgId)) === 0)
    return { outcome: 'already' };
  const { seq } = (await db.get(
    SQL.appendGroupEntry,
    op.groupId,
    EntryKind.Recall,
    op.userId,
    op.msgId,
    null,
    op.timeMs,
  ))!;
  const message = { ...toMessage(row), body: '', recalled: true };
  return {
    outcome: 'recalled',
    entry: { kind: 'recall', groupId: op.groupId, seq, message },
    recipients: await memberIds(db, op.groupId),
  };
}
