import type Database from 'better-sqlite3';
import type { GroupRow, MemberRow } from '../group-rows.js';
import { MAX_UNREAD } from '../groups.js';
import type { ConversationRow, GroupEntryRow } from './group-rows.js';
import { prep } from './prep.js';

const GROUP_COLUMNS =
  'g.id, g.name, g.owner_id, g.muted_all, g.member_count, g.seq_head, g.created_ms, g.dismissed';
const MEMBER_COLUMNS =
  'gm.group_id, gm.user_id, u.name, gm.role, gm.joined_seq, gm.read_seq, gm.delivered_seq, gm.muted_until_ms, gm.left_seq';
const ENTRY_COLUMNS =
  'e.seq, e.kind, e.actor_id, e.data, e.time_ms AS entry_ms, m.msg_id, m.from_id, m.to_id, m.type, m.body, m.digest, m.status, m.time_ms, m.recalled';
const MESSAGE_COLUMNS =
  'm.msg_id, m.from_id, m.to_id, m.type, m.body, m.digest, m.status, m.time_ms, m.recalled';

/** The statements of groups and the conversation list, prepared once. */
export function prepareGroupStatements(db: Database.Database) {
  return {
    group: prep<[string], GroupRow>(db, `SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.id = ?`),
    insertGroup: prep<[string, string, string, number, number]>(
      db,
      `INSERT INTO groups (id, name, owner_id, member_count, seq_head, created_ms) VALUES (?, ?, ?, ?, 0, ?)`,
    ),
    nextGroupSeq: prep<[string], { seq: number }>(
      db,
      'UPDATE groups SET seq_head = seq_head + 1 WHERE id = ? RETURNING seq_head AS seq',
    ),
    renameGroup: prep<[string, string]>(db, 'UPDATE groups SET name = ? WHERE id = ?'),
    setOwner: prep<[string, string]>(db, 'UPDATE groups SET owner_id = ? WHERE id = ?'),
    setMutedAll: prep<[number, string]>(db, 'UPDATE groups SET muted_all = ? WHERE id = ?'),
    dismissGroup: prep<[string]>(db, 'UPDATE groups SET dismissed = 1 WHERE id = ?'),
    countMembers: prep<[string]>(
      db,
      `UPDATE groups SET member_count =
         (SELECT COUNT(*) FROM group_members WHERE group_id = groups.id AND left_seq IS NULL) WHERE id = ?`,
    ),
    members: prep<[string], MemberRow>(
      db,
      `SELECT ${MEMBER_COLUMNS} FROM group_members gm JOIN users u ON u.id = gm.user_id
       WHERE gm.group_id = ? AND gm.left_seq IS NULL ORDER BY gm.joined_seq, gm.user_id`,
    ),
    member: prep<[string, string], MemberRow>(
      db,
      `SELECT ${MEMBER_COLUMNS} FROM group_members gm JOIN users u ON u.id = gm.user_id
       WHERE gm.group_id = ? AND gm.user_id = ?`,
    ),
    memberIds: prep<[string], { user_id: string }>(
      db,
      'SELECT user_id FROM group_members WHERE group_id = ? AND left_seq IS NULL',
    ),
    /** Joins, or joins again: sees the entries after `seq`. */
    joinMember: prep<[string, string, number, number, number, number]>(
      db,
      `INSERT INTO group_members (group_id, user_id, role, joined_seq, read_seq, delivered_seq)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (group_id, user_id) DO UPDATE SET role = excluded.role, joined_seq = excluded.joined_seq,
         read_seq = excluded.read_seq, delivered_seq = excluded.delivered_seq, muted_until_ms = NULL, left_seq = NULL`,
    ),
    partMember: prep<[number, string, string]>(
      db,
      'UPDATE group_members SET left_seq = ? WHERE group_id = ? AND user_id = ?',
    ),
    setRole: prep<[number, string, string]>(
      db,
      'UPDATE group_members SET role = ? WHERE group_id = ? AND user_id = ?',
    ),
    setMute: prep<[number | null, string, string]>(
      db,
      'UPDATE group_members SET muted_until_ms = ? WHERE group_id = ? AND user_id = ?',
    ),
    confirmMember: prep<[number, string, string]>(
      db,
      'UPDATE group_members SET delivered_seq = MAX(delivered_seq, ?) WHERE group_id = ? AND user_id = ?',
    ),
    readMember: prep<[number, number, string, string, number]>(
      db,
      `UPDATE group_members SET read_seq = ?, delivered_seq = MAX(delivered_seq, ?)
       WHERE group_id = ? AND user_id = ? AND left_seq IS NULL AND read_seq < ?`,
    ),
    /**
     * The sender of a message at `seq` has read it; its delivered position moves only when it had
     * every entry before (an entry on its way to it must still be synced). Parameters: seq, seq,
     * seq, group, user.
     */
    senderRead: prep<[number, number, number, string, string]>(
      db,
      `UPDATE group_members SET read_seq = ?,
         delivered_seq = CASE WHEN delivered_seq >= ? - 1 THEN ? ELSE delivered_seq END
       WHERE group_id = ? AND user_id = ?`,
    ),
    /** Current members other than the sender that were there for the message at `seq` and read it. */
    readCount: prep<[string, number, number, string], { n: number }>(
      db,
      `SELECT COUNT(*) AS n FROM group_members
       WHERE group_id = ? AND left_seq IS NULL AND read_seq >= ? AND joined_seq < ? AND user_id != ?`,
    ),
    insertGroupEntry: prep<[string, number, number, number | null, string, string | null, number]>(
      db,
      `INSERT INTO group_timeline (group_id, seq, kind, msg_id, actor_id, data, time_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    entries: prep<[string, number, number, number], GroupEntryRow>(
      db,
      `SELECT ${ENTRY_COLUMNS} FROM group_timeline e LEFT JOIN messages m ON m.msg_id = e.msg_id
       WHERE e.group_id = ? AND e.seq > ? AND e.seq <= ? ORDER BY e.seq LIMIT ?`,
    ),
    /** History: messages and events (a recall shows on its message), newest first. */
    history: prep<[string, number, number, number], GroupEntryRow>(
      db,
      `SELECT ${ENTRY_COLUMNS} FROM group_timeline e LEFT JOIN messages m ON m.msg_id = e.msg_id
       WHERE e.group_id = ? AND e.seq > ? AND e.seq < ? AND e.kind != 1 ORDER BY e.seq DESC LIMIT ?`,
    ),
    messageSeq: prep<[string, number], { seq: number }>(
      db,
      'SELECT seq FROM group_timeline WHERE group_id = ? AND msg_id = ? AND kind = 0',
    ),
    groupsOf: prep<[string], GroupRow>(
      db,
      `SELECT ${GROUP_COLUMNS} FROM group_members gm JOIN groups g ON g.id = gm.group_id
       WHERE gm.user_id = ? AND gm.left_seq IS NULL ORDER BY g.created_ms DESC, g.id`,
    ),
    groupsToSync: prep<[string], { group_id: string; delivered_seq: number; end_seq: number }>(
      db,
      `SELECT gm.group_id, gm.delivered_seq, COALESCE(gm.left_seq, g.seq_head) AS end_seq
       FROM group_members gm JOIN groups g ON g.id = gm.group_id
       WHERE gm.user_id = ? AND gm.delivered_seq < COALESCE(gm.left_seq, g.seq_head)`,
    ),
    /** A group message: the last message of every member's row, unread for all but its sender. */
    touchGroupConversations: prep<[number, number, string, string, string]>(
      db,
      `UPDATE conversations SET last_ms = ?, last_msg_id = ?, unread = MIN(unread + (user_id != ?), ${MAX_UNREAD})
       WHERE conv_id = ? AND user_id IN (SELECT user_id FROM group_members WHERE group_id = ? AND left_seq IS NULL)`,
    ),
    /** A member joined: its row starts (again) at its join. */
    startConversation: prep<[string, string, number, number]>(
      db,
      `INSERT INTO conversations (user_id, conv_id, last_ms, last_msg_id, unread, read_seq) VALUES (?, ?, ?, NULL, 0, ?)
       ON CONFLICT (user_id, conv_id) DO UPDATE SET last_ms = excluded.last_ms, unread = 0, read_seq = excluded.read_seq`,
    ),
    /**
     * The member read up to `seq` of the group: unread are the messages of others after it (up to
     * MAX_UNREAD).
     */
    readGroupConversation: prep<[number, string, number, string, string, string]>(
      db,
      `UPDATE conversations SET read_seq = ?, unread = (SELECT COUNT(*) FROM (SELECT 1 FROM group_timeline
         WHERE group_id = ? AND seq > ? AND kind = 0 AND actor_id != ? LIMIT ${MAX_UNREAD}))
       WHERE user_id = ? AND conv_id = ?`,
    ),
    /**
     * The 1:1 messages of a batch in one conversation row (conversation-buffer.ts): the last one and
     * its position in the user's timeline, and `unread` more (0 for the sender's row and notes to
     * oneself), counted up to MAX_UNREAD. Parameters: user, conversation, time, message, unread, position.
     */
    touchConversation: prep<[string, string, number, number, number, number]>(
      db,
      `INSERT INTO conversations (user_id, conv_id, last_ms, last_msg_id, unread, last_seq)
       VALUES (?, ?, ?, ?, MIN(?, ${MAX_UNREAD}), ?)
       ON CONFLICT (user_id, conv_id) DO UPDATE SET last_ms = excluded.last_ms, last_msg_id = excluded.last_msg_id,
         unread = MIN(unread + excluded.unread, ${MAX_UNREAD}), last_seq = excluded.last_seq`,
    ),
    conversations: prep<[string, number, string, number], ConversationRow>(
      db,
      `SELECT c.conv_id, COALESCE(u.name, g.name) AS name, c.unread, c.last_ms, ${MESSAGE_COLUMNS}
       FROM conversations c LEFT JOIN users u ON u.id = c.conv_id LEFT JOIN groups g ON g.id = c.conv_id
       LEFT JOIN messages m ON m.msg_id = c.last_msg_id
       WHERE c.user_id = ? AND (c.last_ms, c.conv_id) < (?, ?) ORDER BY c.last_ms DESC, c.conv_id DESC LIMIT ?`,
    ),
  };
}

export type GroupStatements = ReturnType<typeof prepareGroupStatements>;
