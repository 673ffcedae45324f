import type { ConversationRecord, GroupEntry, GroupEventData, GroupRecord, MemberRecord } from '../groups.js';
import { EntryKind, RoleOfCode } from '../groups.js';
import type { StoredMessage } from '../store.js';
import type { ConversationRow, GroupEntryRow, GroupRow, MemberRow } from './group-statements.js';
import { toMessage } from './rows.js';
import type { MessageRow } from './statements.js';

export function toGroup(r: GroupRow): GroupRecord {
  return {
    id: r.id,
    name: r.name,
    ownerId: r.owner_id,
    mutedAll: r.muted_all === 1,
    memberCount: r.member_count,
    seqHead: r.seq_head,
    createdMs: r.created_ms,
    dismissed: r.dismissed === 1,
  };
}

export function toMember(r: MemberRow): MemberRecord {
  return {
    groupId: r.group_id,
    userId: r.user_id,
    name: r.name,
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
  const last: StoredMessage | undefined =
    r.msg_id === null ? undefined : toMessage(r as unknown as MessageRow);
  return {
    id: r.conv_id,
    kind: r.conv_id.startsWith('~') ? 'group' : 'user',
    name: r.name ?? r.conv_id,
    unread: r.unread,
    lastMs: r.last_ms,
    last,
  };
}
