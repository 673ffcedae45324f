import type { GroupEventType, GroupRole } from '@parley/protocol';
import type { StoredMessage } from './store.js';

/**
 * Groups as the store keeps them. A group has its own timeline (positions 1, 2, 3 … assigned in
 * the storing transaction, like a user's): its messages, stored once, the recalls of them, and its
 * membership events. Each member has a position it has received (`deliveredSeq`) and read
 * (`readSeq`) up to, and sees the entries after `joinedSeq` (and, once gone, up to `leftSeq`).
 */
export interface GroupRecord {
  id: string;
  name: string;
  ownerId: string;
  mutedAll: boolean;
  memberCount: number;
  /** The group's last timeline position. */
  seqHead: number;
  createdMs: number;
  dismissed: boolean;
}

export interface MemberRecord {
  groupId: string;
  userId: string;
  /** The user's name. */
  name: string;
  role: GroupRole;
  joinedSeq: number;
  readSeq: number;
  deliveredSeq: number;
  /** Muted until then (epoch ms; 0: until unmuted); undefined when not muted. */
  mutedUntilMs: number | undefined;
  /** Where the member left or was removed (its last visible entry); undefined while a member. */
  leftSeq: number | undefined;
}

/** What a membership event says, as stored (without its position and time). */
export interface GroupEventData {
  type: GroupEventType;
  users?: string[];
  name?: string;
  role?: 'admin' | 'member';
  untilMs?: number;
  on?: boolean;
}

/** One entry of a group's timeline. */
export type GroupEntry =
  | { kind: 'message'; groupId: string; seq: number; message: StoredMessage }
  | { kind: 'recall'; groupId: string; seq: number; message: StoredMessage }
  | { kind: 'event'; groupId: string; seq: number; actorId: string; timeMs: number; event: GroupEventData };

/** How a timeline entry is stored: its kind as a number. */
export const EntryKind = { Message: 0, Recall: 1, Event: 2 } as const;

/** A change to a group, as action 14 (and the admin API) asks for it. */
export type GroupChange =
  | { op: 'rename'; name: string }
  | { op: 'add' | 'remove' | 'unmute'; members: readonly string[] }
  | { op: 'leave' | 'dismiss' }
  | { op: 'role'; members: readonly string[]; role: 'admin' | 'member' }
  /** `untilMs` 0: until unmuted. */
  | { op: 'mute'; members: readonly string[]; untilMs: number }
  | { op: 'muteAll'; on: boolean };

/** A conversation as the list has it: the peer or group, its last message, the unread count. */
export interface ConversationRecord {
  id: string;
  kind: 'user' | 'group';
  name: string;
  unread: number;
  lastMs: number;
  last: StoredMessage | undefined;
}

/**
 * Unread messages are counted up to this many (the list shows "999+" beyond): a count stops there,
 * so recounting after a read reads at most this many entries.
 */
export const MAX_UNREAD = 999;

/** Where a page of the conversation list starts: before this activity time and id. */
export interface ConversationCursor {
  lastMs: number;
  id: string;
}

/** Roles as stored. */
export const RoleCode: Record<GroupRole, number> = { owner: 0, admin: 1, member: 2 };
export const RoleOfCode: readonly GroupRole[] = ['owner', 'admin', 'member'];
