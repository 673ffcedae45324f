import * as rows from '../group-rows.js';
import type { ConversationRecord, GroupEntry, GroupRecord, MemberRecord } from '../groups.js';
import { toMessage } from './rows.js';
import type { MessageRow } from './statements.js';

/** The shared group row mappings with SQLite's message rows. */
export const toGroup = (r: rows.GroupRow): GroupRecord => rows.toGroup(r);
export const toMember = (r: rows.MemberRow): MemberRecord => rows.toMember(r);
export type GroupEntryRow = rows.GroupEntryRow<MessageRow>;
export type ConversationRow = rows.ConversationRow<MessageRow>;

export const toGroupEntry = (groupId: string, r: GroupEntryRow): GroupEntry =>
  rows.toGroupEntry(groupId, r, toMessage);
export const toConversation = (r: ConversationRow): ConversationRecord => rows.toConversation(r, toMessage);
