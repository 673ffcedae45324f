import { isGroupId } from '@parley/protocol';
import type { ConversationRecord, GroupEntry, GroupEventData, GroupRecord, MemberRecord } from '../groups.js';
import { EntryKind, RoleOfCode } from '../groups.js';
import { type MessageRow, toMessage } from './rows.js';
import { fromDb } from './text.js';

/** Group rows as pg returns them (BIGINT columns parsed to numbers by the store's type parser). */
export interface GroupRow {
  id: string;
  name: string;
  owner_id: string;
  muted_all: boolean;
  member_count: number;
  seq_head: number;
  created_ms: number;
  dismissed: boolean;
}

export interface MemberRow {
  group_id: string;
  user_id: string;
  name: string;
  role: number;
  joined_seq: number;
  read_seq: number;
  delivered_seq: number;
  muted_until_ms: number | null;
  left_seq: number | null;
}

/** A timeline entry with its message's columns (null for events). */
export type GroupEntryRow = {
  seq: number;
  kind: number;
  actor_id: string;
  data: string | null;
  entry_ms: number;
} & { [K in keyof MessageRow]: MessageRow[K] | null };

export type ConversationRow = {
  conv_id: string;
  name: string | null;
  unread: number;
  last_ms: number;
} & { [K in keyof MessageRow]: MessageRow[K] | null };

export function toGroup(r: GroupRow): GroupRecord {
  return {
    id: r.id,
    name: fromDb(r.name),
    ownerId: r.owner_id,
    mutedAll: r.muted_all,
    memberCount: r.member_count,
    seqHead: r.seq_head,
    createdMs: r.created_ms,
    dismissed: r.dismissed,
  };
}

export function toMember(r: MemberRow): MemberRecord {
  return {
    groupId: r.group_id,
    userId: r.user_id,
    name: fromDb(r.name),
    role: RoleOfCode[r.role] ?? 'member',
    joinedSeq: r.joined_seq,
    readSeq: r.read_seq,
    deliveredSeq: r.delivered_seq,
    mutedUntilMs: r.muted_until_ms ?? undefined,
    leftSeq: r.left_seq ?? undefined,
  };
}

export function toGroupEntry(groupId: string, r: GroupEntryRow): GroupEntry {
  if (r.kind === EntryKind.Event) {
    return {
      kind: 'event',
      groupId,
      seq: r.seq,
      actorId: r.actor_id,
      timeMs: r.entry_ms,
      event: JSON.parse(r.data ?? '{}') as GroupEventData,
    };
  }
  const message = toMessage(r as MessageRow);
  return { kind: r.kind === EntryKind.Recall ? 'recall' : 'message', groupId, seq: r.seq, message };
}

export function toConversation(r: ConversationRow): ConversationRecord {
  return {
    id: r.conv_id,
    kind: isGroupId(r.conv_id) ? 'group' : 'user',
    name: r.name === null ? r.conv_id : fromDb(r.name),
    unread: r.unread,
    lastMs: r.last_ms,
    last: r.msg_id === null ? undefined : toMessage(r as MessageRow),
  };
}
