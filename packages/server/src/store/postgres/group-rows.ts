import * as rows from '../group-rows.js';
import type { ConversationRecord, GroupEntry, GroupRecord, MemberRecord } from '../groups.js';
import { type MessageRow, toMessage } from './rows.js';
import { fromDb } from './text.js';

/** The shared group row mappings with PostgreSQL's message rows and its NUL-escaped text. */
export type { GroupRow, MemberRow } from '../group-rows.js';
export type GroupEntryRow = rows.GroupEntryRow<MessageRow>;
export type ConversationRow = rows.ConversationRow<MessageRow>;

export const toGroup = (r: rows.GroupRow): GroupRecord => rows.toGroup(r, fromDb);
export const toMember = (r: rows.MemberRow): MemberRecord => rows.toMember(r, fromDb);
export const toGroupEntry = (groupId: string, r: GroupEntryRow): GroupEntry =>
  rows.toGroupEntry(groupId, r, toMessage);
export const toConversation = (r: ConversationRow): ConversationRecord =>
  rows.toConversation(r, toMessage, fromDb);
