import type {
  ConversationCursor,
  ConversationRecord,
  GroupEntry,
  GroupRecord,
  MemberRecord,
} from '../groups.js';
import { toConversation, toGroup, toGroupEntry, toMember } from './group-rows.js';
import { type Db, SQL } from './statements.js';

/** The group and conversation-list reads of the Store, on the pool (see store.ts for each). */
export async function getGroup(db: Db, groupId: string): Promise<GroupRecord | undefined> {
  const row = await db.get(SQL.group, groupId);
  return row && toGroup(row);
}

export async function groupMembers(db: Db, groupId: string): Promise<MemberRecord[]> {
  return (await db.all(SQL.members, groupId)).map(toMember);
}

export async function groupMember(
  db: Db,
  groupId: string,
  userId: string,
): Promise<MemberRecord | undefined> {
  const row = await db.get(SQL.member, groupId, userId);
  return row && toMember(row);
}

export async function groupsOf(db: Db, userId: string): Promise<GroupRecord[]> {
  return (await db.all(SQL.groupsOf, userId)).map(toGroup);
}

export async function groupsToSync(
  db: Db,
  userId: string,
): Promise<{ groupId: string; deliveredSeq: number; endSeq: number }[]> {
  return (await db.all(SQL.groupsToSync, userId)).map((r) => ({
    groupId: r.group_id,
    deliveredSeq: r.delivered_seq,
    endSeq: r.end_seq,
  }));
}

export async function groupEntries(
  db: Db,
  groupId: string,
  afterSeq: number,
  throughSeq: number,
  limit: number,
): Promise<GroupEntry[]> {
  const rows = await db.all(SQL.entries, groupId, afterSeq, throughSeq, limit);
  return rows.map((r) => toGroupEntry(groupId, r));
}

export async function groupHistory(
  db: Db,
  groupId: string,
  afterSeq: number,
  beforeSeq: number,
  limit: number,
): Promise<GroupEntry[]> {
  const rows = await db.all(SQL.groupHistory, groupId, afterSeq, beforeSeq, limit);
  return rows.map((r) => toGroupEntry(groupId, r));
}

export async function groupMessageSeq(db: Db, groupId: string, msgId: number): Promise<number | undefined> {
  return (await db.get(SQL.groupMessageSeq, groupId, msgId))?.seq;
}

export async function conversations(
  db: Db,
  userId: string,
  before: ConversationCursor | undefined,
  limit: number,
): Promise<ConversationRecord[]> {
  const rows = await db.all(
    SQL.conversations,
    userId,
    before?.lastMs ?? Number.MAX_SAFE_INTEGER,
    before?.id ?? '',
    limit,
  );
  return rows.map(toConversation);
}
