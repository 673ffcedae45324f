import { statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface SeedSpec {
  messages: number;
  /** Conversations (user pairs hA00000/hB00000, ...); messages go round robin over them. */
  conversations: number;
}

/** The columns the seeder writes, as packages/server/src/store/sqlite/schema.ts defines them. */
const NEEDED: Record<string, string[]> = {
  users: ['id', 'name', 'created_ms', 'seq_head'],
  messages: [
    'msg_id',
    'from_id',
    'to_id',
    'type',
    'body',
    'digest',
    'status',
    'time_ms',
    'to_seq',
    'from_seq',
  ],
  user_timeline: ['user_id', 'seq', 'msg_id', 'peer_id', 'incoming', 'prev_seq'],
  conversations: ['user_id', 'conv_id', 'last_ms', 'last_msg_id', 'unread', 'read_seq', 'last_seq'],
  meta: ['key', 'value'],
};

export const userA = (k: number) => `hA${String(k).padStart(5, '0')}`;
export const userB = (k: number) => `hB${String(k).padStart(5, '0')}`;

/**
 * Writes `messages` stored, read messages straight into a Parley database that the server has
 * already created (and migrated), in one transaction of set-based SQL: a million rows take seconds
 * where the protocol would take minutes. Rows look exactly like the ones the server writes:
 * a timeline entry per participant at its own position, which the message row carries too (each user
 * is in one conversation, so message v is at position v / conversations + 1 of both) and linked to the
 * user's previous entry, the users' timeline heads, one conversation row per user (all read, with its
 * newest entry), nothing pending.
 */
export function seedHistory(dataDir: string, spec: SeedSpec): { seconds: number; dbMiB: number } {
  const t0 = performance.now();
  const file = path.join(dataDir, 'parley.db');
  const db = new Database(file);
  try {
    for (const [table, cols] of Object.entries(NEEDED)) {
      const have = new Set(
        db
          .prepare(`PRAGMA table_info(${table})`)
          .all()
          .map((c) => (c as { name: string }).name),
      );
      const missing = cols.filter((c) => !have.has(c));
      if (missing.length > 0) {
        throw new Error(
          `the server schema changed: ${table} lacks ${missing.join(', ')}; update history-seed.ts`,
        );
      }
    }
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const c = spec.conversations;
    const n = spec.messages;
    const now = Date.now();
    const series = (count: number) =>
      `WITH RECURSIVE k(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM k WHERE v < ${count - 1})`;
    db.transaction(() => {
      db.exec(`${series(c)}
        INSERT INTO users (id, name, created_ms)
        SELECT printf('hA%05d', v), printf('hA%05d', v), ${now} FROM k
        UNION ALL SELECT printf('hB%05d', v), printf('hB%05d', v), ${now} FROM k`);
      // Message k belongs to conversation k % c; within a conversation the two sides take turns.
      db.exec(`${series(n)}
        INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms, to_seq, from_seq)
        SELECT v + 1,
          printf(CASE WHEN (v / ${c}) % 2 = 0 THEN 'hA%05d' ELSE 'hB%05d' END, v % ${c}),
          printf(CASE WHEN (v / ${c}) % 2 = 0 THEN 'hB%05d' ELSE 'hA%05d' END, v % ${c}),
          0, printf('%-64s', 'seeded message ' || (v + 1)), printf('seed%d', v + 1), 2,
          ${now - n} + v, v / ${c} + 1, v / ${c} + 1
        FROM k`);
      // each entry links to the user's previous one in its conversation: the one before it
      db.exec(`INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming, prev_seq)
        SELECT from_id, (msg_id - 1) / ${c} + 1, msg_id, to_id, 0, (msg_id - 1) / ${c} FROM messages
        UNION ALL SELECT to_id, (msg_id - 1) / ${c} + 1, msg_id, from_id, 1, (msg_id - 1) / ${c} FROM messages
        ORDER BY 1, 2`);
      db.exec(
        `UPDATE users SET seq_head = COALESCE((SELECT MAX(seq) FROM user_timeline WHERE user_id = users.id), 0)`,
      );
      db.exec(`INSERT INTO conversations (user_id, conv_id, last_ms, last_msg_id, unread, read_seq, last_seq)
        SELECT t.user_id, t.peer_id, m.time_ms, m.msg_id, 0, t.seq, t.seq
        FROM users u JOIN user_timeline t ON t.user_id = u.id AND t.seq = u.seq_head
        JOIN messages m ON m.msg_id = t.msg_id`);
      db.prepare(`UPDATE meta SET value = ? WHERE key = 'next_msg_id'`).run(n + 1);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return { seconds: (performance.now() - t0) / 1000, dbMiB: statSync(file).size / (1024 * 1024) };
}
