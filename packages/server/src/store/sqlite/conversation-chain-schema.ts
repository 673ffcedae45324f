/**
 * One B-tree write less per participant of a 1:1 message (one migration, self-contained).
 *
 * The index of timelines by peer, `user_timeline_by_peer (user_id, peer_id, seq)`, goes. It cost
 * every participant of every message a second leaf page per commit: on a busy server about as many
 * pages as the timeline itself (docs/benchmarks.md, `--scenario wal`). In its place each timeline
 * entry links to the user's previous entry of the same conversation (`prev_seq`, 0 for the first),
 * and the user's conversation row holds the newest one (`last_seq`; 0 in group rows). A page of a
 * 1:1 conversation follows the links, a primary-key lookup per entry (conversation-chain.ts).
 *
 * A link may point at an entry that is gone (retention deletes entries, oldest first, without
 * relinking) or that is of another conversation; readers then find the next older entry by scanning
 * the user's timeline down from the last entry they found, and follow the links again.
 */
export const CONVERSATION_CHAINS = `
  ALTER TABLE user_timeline ADD COLUMN prev_seq INTEGER NOT NULL DEFAULT 0;
  UPDATE user_timeline SET prev_seq = COALESCE((SELECT MAX(p.seq) FROM user_timeline p
    WHERE p.user_id = user_timeline.user_id AND p.peer_id = user_timeline.peer_id AND p.seq < user_timeline.seq), 0);
  ALTER TABLE conversations ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
  UPDATE conversations SET last_seq = COALESCE((SELECT MAX(t.seq) FROM user_timeline t
    WHERE t.user_id = conversations.user_id AND t.peer_id = conversations.conv_id), 0);
  DROP INDEX user_timeline_by_peer;
  `;
