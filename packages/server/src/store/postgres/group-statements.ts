import { MAX_UNREAD } from '../groups.js';
import type { ConversationRow, GroupEntryRow, GroupRow, MemberRow } from './group-rows.js';
import { stmt } from './stmt.js';

const GROUP_COLUMNS =
  'g.id, g.name, g.owner_id, g.muted_all, g.member_count, g.seq_head, g.created_ms, g.dismissed';
const MEMBER_COLUMNS =
  'gm.group_id, gm.user_id, u.name, gm.role, gm.joined_seq, gm.read_seq, gm.delivered_seq, gm.muted_until_ms, gm.left_seq';
const MESSAGE_COLUMNS =
  'm.msg_id, m.from_id, m.to_id, m.type, m.body, m.digest, m.status, m.time_ms, m.recalled';
const ENTRY_COLUMNS = `e.seq, e.kind, e.actor_id, e.data, e.time_ms AS entry_ms, ${MESSAGE_COLUMNS}`;
const CURRENT_MEMBERS = 'SELECT user_id FROM group_members WHERE group_id = $1 AND left_seq IS NULL';

/**
 * The statements of groups and the conversation list (part of `SQL`). A batch that writes a group
 * holds its row locked (`lockGroups`), so its position counter (`seq_head`), its members and the
 * conversation rows of the group are changed by one transaction at a time.
 */
export const groupStatements = {
  /** See `parley_lock_groups` in the migrations: FOR UPDATE or FOR SHARE, in id order. */
  lockGroups: stmt<[string[], boolean[]]>('SELECT parley_lock_groups($1::text[], $2::boolean[])'),

  group: stmt<[string], GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.id = $1`),
  /** Creates the group unless its id is taken (by a concurrent batch too: no row then). */
  insertGroup: stmt<[string, string, string, number, number], { id: string }>(
    `INSERT INTO groups (id, name, owner_id, member_count, seq_head, created_ms) VALUES ($1, $2, $3, $4, 0, $5)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
  ),
  /**
   * Appends an entry (an event, or the recall of `$4`) at the group's next position. The group's row
   * is locked for the batch, so positions are gap-free and in commit order.
   */
  appendGroupEntry: stmt<[string, number, string, number | null, string | null, number], { seq: number }>(
    `WITH h AS (UPDATE groups SET seq_head = seq_head + 1 WHERE id = $1 RETURNING seq_head AS seq)
     INSERT INTO group_timeline (group_id, seq, kind, actor_id, msg_id, data, time_ms)
     SELECT $1, h.seq, $2, $3, $4, $5, $6 FROM h RETURNING seq`,
  ),
  renameGroup: stmt<[string, string]>('UPDATE groups SET name = $2 WHERE id = $1'),
  setOwner: stmt<[string, string]>('UPDATE groups SET owner_id = $2 WHERE id = $1'),
  setMutedAll: stmt<[string, boolean]>('UPDATE groups SET muted_all = $2 WHERE id = $1'),
  dismissGroup: stmt<[string]>('UPDATE groups SET dismissed = TRUE WHERE id = $1'),
  /** Counts the members after a change and returns the group. */
  countMembers: stmt<[string], GroupRow>(
    `UPDATE groups g SET member_count =
       (SELECT COUNT(*) FROM group_members gm WHERE gm.group_id = g.id AND gm.left_seq IS NULL)
     WHERE g.id = $1 RETURNING ${GROUP_COLUMNS}`,
  ),

  members: stmt<[string], MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM group_members gm JOIN users u ON u.id = gm.user_id
     WHERE gm.group_id = $1 AND gm.left_seq IS NULL ORDER BY gm.joined_seq, gm.user_id`,
  ),
  member: stmt<[string, string], MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM group_members gm JOIN users u ON u.id = gm.user_id
     WHERE gm.group_id = $1 AND gm.user_id = $2`,
  ),
  memberIds: stmt<[string], { user_id: string }>(`${CURRENT_MEMBERS} ORDER BY user_id`),
  /**
   * Joins, or joins again (`$2` users with roles `$3`): sees the entries after `$4`; its
   * conversation row starts (again) at the join, `$5`.
   */
  joinMembers: stmt<[string, string[], number[], number, number]>(
    `WITH j AS (SELECT * FROM unnest($2::text[], $3::smallint[]) AS j(user_id, role)),
          gm AS (INSERT INTO group_members (group_id, user_id, role, joined_seq, read_seq, delivered_seq)
                 SELECT $1, j.user_id, j.role, $4, $4, $4 FROM j
                 ON CONFLICT (group_id, user_id) DO UPDATE SET role = excluded.role,
                   joined_seq = excluded.joined_seq, read_seq = excluded.read_seq,
                   delivered_seq = excluded.delivered_seq, muted_until_ms = NULL, left_seq = NULL)
     INSERT INTO conversations AS c (user_id, conv_id, last_ms, last_msg_id, unread, read_seq)
     SELECT j.user_id, $1, $5, NULL, 0, $4 FROM j
     ON CONFLICT (user_id, conv_id) DO UPDATE SET last_ms = excluded.last_ms, unread = 0,
       read_seq = excluded.read_seq`,
  ),
  partMembers: stmt<[string, string[], number]>(
    'UPDATE group_members SET left_seq = $3 WHERE group_id = $1 AND user_id = ANY($2::text[])',
  ),
  setRoles: stmt<[string, string[], number[]]>(
    `UPDATE group_members gm SET role = x.role FROM unnest($2::text[], $3::smallint[]) AS x(user_id, role)
     WHERE gm.group_id = $1 AND gm.user_id = x.user_id`,
  ),
  /** `$3`: muted until (0: until unmuted; null: not muted). */
  setMutes: stmt<[string, string[], (number | null)[]]>(
    `UPDATE group_members gm SET muted_until_ms = x.until_ms
     FROM unnest($2::text[], $3::bigint[]) AS x(user_id, until_ms)
     WHERE gm.group_id = $1 AND gm.user_id = x.user_id`,
  ),

  /** What deciding on a message to the group needs: the group, and the sender's membership (if any). */
  postingFacts: stmt<
    [string, string],
    {
      dismissed: boolean;
      muted_all: boolean;
      role: number | null;
      muted_until_ms: number | null;
      left_seq: number | null;
    }
  >(
    `SELECT g.dismissed, g.muted_all, gm.role, gm.muted_until_ms, gm.left_seq
     FROM groups g LEFT JOIN group_members gm ON gm.group_id = g.id AND gm.user_id = $2 WHERE g.id = $1`,
  ),
  /**
   * Stores a message to the group `$1` at its next position (the row is locked for the batch): the
   * message, its entry, and every current member's conversation row (the last message; one more
   * unread for all but the sender, who has read it). The sender's delivered position moves only
   * when it had every entry before. Returns the position and the members to route it to.
   */
  storeGroupMessage: stmt<
    [string, number, string, number, string, string, number],
    { seq: number; recipients: string[] }
  >(
    `WITH h AS (UPDATE groups SET seq_head = seq_head + 1 WHERE id = $1 RETURNING seq_head AS seq),
          im AS (INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms)
                 VALUES ($2, $3, $1, $4, $5, $6, 1, $7)),
          ie AS (INSERT INTO group_timeline (group_id, seq, kind, actor_id, msg_id, data, time_ms)
                 SELECT $1, h.seq, 0, $3, $2, NULL, $7 FROM h),
          rs AS (UPDATE group_members gm SET read_seq = h.seq,
                   delivered_seq = CASE WHEN gm.delivered_seq >= h.seq - 1 THEN h.seq ELSE gm.delivered_seq END
                 FROM h WHERE gm.group_id = $1 AND gm.user_id = $3),
          c AS (UPDATE conversations c SET last_ms = $7, last_msg_id = $2,
                  unread = CASE WHEN c.user_id = $3 THEN 0 ELSE LEAST(c.unread + 1, ${MAX_UNREAD}) END,
                  read_seq = CASE WHEN c.user_id = $3 THEN h.seq ELSE c.read_seq END
                FROM h WHERE c.conv_id = $1 AND c.user_id IN (${CURRENT_MEMBERS}))
     SELECT h.seq, ARRAY(${CURRENT_MEMBERS} ORDER BY user_id) AS recipients FROM h`,
  ),
  /** The position of a message in its group's timeline. */
  groupMessageSeq: stmt<[string, number], { seq: number }>(
    'SELECT seq FROM group_timeline WHERE group_id = $1 AND msg_id = $2 AND kind = 0',
  ),
  confirmMember: stmt<[string, string, number]>(
    `UPDATE group_members SET delivered_seq = $3
     WHERE group_id = $1 AND user_id = $2 AND delivered_seq < $3`,
  ),
  /** A member read up to `$3` (and so received it); no row when it had read that far already. */
  readMember: stmt<[string, string, number], { user_id: string }>(
    `UPDATE group_members SET read_seq = $3, delivered_seq = GREATEST(delivered_seq, $3)
     WHERE group_id = $1 AND user_id = $2 AND left_seq IS NULL AND read_seq < $3 RETURNING user_id`,
  ),
  /**
   * After `readMember`: the reader's conversation row (unread: the messages of others after `$3`, up
   * to MAX_UNREAD),
   * and how many current members other than the sender of `$4`, there for the message at `$3`, have
   * read up to it.
   */
  readGroupConversation: stmt<[string, string, number, number], { sender_id: string; read_count: number }>(
    `WITH c AS (UPDATE conversations SET read_seq = $3, unread = (SELECT COUNT(*) FROM (SELECT FROM group_timeline e
                  WHERE e.group_id = $1 AND e.seq > $3 AND e.kind = 0 AND e.actor_id <> $2
                  ORDER BY e.seq LIMIT ${MAX_UNREAD}) x)
                WHERE user_id = $2 AND conv_id = $1)
     SELECT m.from_id AS sender_id,
            (SELECT COUNT(*) FROM group_members gm WHERE gm.group_id = $1 AND gm.left_seq IS NULL
               AND gm.read_seq >= $3 AND gm.joined_seq < $3 AND gm.user_id <> m.from_id) AS read_count
     FROM messages m WHERE m.msg_id = $4`,
  ),

  // reads
  entries: stmt<[string, number, number, number], GroupEntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM group_timeline e LEFT JOIN messages m ON m.msg_id = e.msg_id
     WHERE e.group_id = $1 AND e.seq > $2 AND e.seq <= $3 ORDER BY e.seq LIMIT $4`,
  ),
  /** History: messages and events (a recall shows on its message), newest first. */
  groupHistory: stmt<[string, number, number, number], GroupEntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM group_timeline e LEFT JOIN messages m ON m.msg_id = e.msg_id
     WHERE e.group_id = $1 AND e.seq > $2 AND e.seq < $3 AND e.kind <> 1 ORDER BY e.seq DESC LIMIT $4`,
  ),
  groupsOf: stmt<[string], GroupRow>(
    `SELECT ${GROUP_COLUMNS} FROM group_members gm JOIN groups g ON g.id = gm.group_id
     WHERE gm.user_id = $1 AND gm.left_seq IS NULL ORDER BY g.created_ms DESC, g.id`,
  ),
  groupsToSync: stmt<[string], { group_id: string; delivered_seq: number; end_seq: number }>(
    `SELECT gm.group_id, gm.delivered_seq, COALESCE(gm.left_seq, g.seq_head) AS end_seq
     FROM group_members gm JOIN groups g ON g.id = gm.group_id
     WHERE gm.user_id = $1 AND gm.delivered_seq < COALESCE(gm.left_seq, g.seq_head)`,
  ),
  /** A page of the conversation list: a backward walk of conversations_by_activity from the cursor. */
  conversations: stmt<[string, number, string, number], ConversationRow>(
    `SELECT c.conv_id, COALESCE(u.name, g.name) AS name, c.unread, c.last_ms, ${MESSAGE_COLUMNS}
     FROM conversations c LEFT JOIN users u ON u.id = c.conv_id LEFT JOIN groups g ON g.id = c.conv_id
     LEFT JOIN messages m ON m.msg_id = c.last_msg_id
     WHERE c.user_id = $1 AND (c.last_ms, c.conv_id) < ($2, $3)
     ORDER BY c.last_ms DESC, c.conv_id DESC LIMIT $4`,
  ),
};
