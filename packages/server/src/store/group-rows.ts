import { isGroupId } from '@parley/protocol';
import type { ConversationRecord, GroupEntry, GroupEventData, GroupRecord, MemberRecord } from './groups.js';
import { EntryKind, RoleOfCode } from './groups.js';
import type { StoredMessage } from './store.js';

/**
 * Group rows as both stores read them, and the records they become. The stores differ only in
 * how a flag comes back (SQLite 0/1, PostgreSQL a boolean), how stored text is decoded
 * (`text`: PostgreSQL escapes NUL) and how a message row becomes a message (`message`).
 */
type Flag = boolean | number;

export interface GroupRow {
  id: string;
  name: string;
  owner_id: string;
  muted_all: Flag;
  member_count: number;
  seq_head: number;
  created_ms: number;
  dismissed: Flag;
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
export type GroupEntryRow<M> = {
  seq: number;
  kind: number;
  actor_id: string;
  data: string | null;
  entry_ms: number;
} & { [K in keyof M]: M[K] | null };

/** A conversation row with its name and its last message's columns (null when it has none). */
export type ConversationRow<M> = {
  conv_id: string;
  name: string | null;
  unread: number;
  last_ms: number;
} & { [K in keyof M]: M[K] | null };

type Text = (stored: string) => string;
const asIs: Text = (s) => s;

export function toGroup(r: GroupRow, text: Text = asIs): GroupRecord {
  return {
    id: r.id,
    name: text(r.name),
    ownerId: r.owner_id,
    mutedAll: Boolean(r.muted_all),
    memberCount: r.member_count,
    seqHead: r.seq_head,
    createdMs: r.created_ms,
    dismissed: Boolean(r.dismissed),
  };
}

export function toMember(r: MemberRow, text: Text = asIs): MemberRecord {
  return {
    groupId: r.group_id,
    userId: r.user_id,
    name: text(r.name),
    role: RoleOfCode[r.role] ?? 'member',
    joinedSeq: r.joined_seq,
    readSeq: r.read_seq,
    deliveredSeq: r.delivered_seq,
    mutedUntilMs: r.muted_until_ms ?? undefined,
    leftSeq: r.left_seq ?? undefined,
  };
}

export function toGroupEntry<M>(
  groupId: string,
  r: GroupEntryRow<M>,
  message: (row: M) => StoredMessage,
): GroupEntry {
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
  const kind = r.kind === EntryKind.Recall ? 'recall' : 'message';
  return { kind, groupId, seq: r.seq, message: message(r as M) };
}

export function toConversation<M extends { msg_id: number }>(
  r: ConversationRow<M>,
  message: (row: M) => StoredMessage,
  text: Text = asIs,
): ConversationRecord {
  return {
    id: r.conv_id,
    kind: isGroupId(r.conv_id) ? 'group' : 'user',
    name: r.name === null ? r.conv_id : text(r.name),
    unread: r.unread,
    lastMs: r.last_ms,
    last: r.msg_id === null ? undefined : message(r as M),
  };
}
