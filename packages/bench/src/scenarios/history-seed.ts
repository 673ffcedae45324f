import { statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface SeedSpec {
  messages: number;
  /** Conversations (user pairs, `pair(0)`, `pair(1)`, ...); messages go round robin over them. */
  conversations: number;
  /** The two users of conversation k, the first one sending first (default hA00000/hB00000, ...). */
  pair?: (k: number) => [string, string];
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
  user_timeline: ['user_id', 'seq', 'msg_id', 'peer_id', 'incoming'],
  conversations: ['user_id', 'conv_id', 'last_ms', 'last_msg_id', 'unread', 'read_seq'],
  meta: ['key', 'value'],
};

/**
 * The links of 1:1 conversations (schema version 17, conversation-chain-schema.ts), written where
 * the schema has them: without them, builds from before it can be seeded for a comparison.
 */
const LINKS = { user_timeline: 'prev_seq', conversations: 'last_seq' } as const;

export const userA = (k: number) => `hA${String(k).padStart(5, '0')}`;
export const userB = (k: number) => `hB${String(k).padStart(5, '0')}`;

/**
 * Writes `messages` stored, read messages straight into a Parley database that the server has
 * already created (and migrated), in one transaction of set-based SQL: a million rows take seconds
 * where the protocol would take minutes. Rows look exactly like the ones the server writes:
 * a timeline entry per participant at its own position, which the message row carries too, linked to
 * the user's previous entry with the same peer, the users' timeline heads, one conversation row per
 * user and peer (all read, with its newest entry), nothing pending.
 *
 * When every user is in one conversation, message v is at position v / conversations + 1 of both
 * users and its link is the position before. When users have several peers (`pair` names a user in
 * more than one conversation), positions and links are numbered per user by window functions, which
 * takes a few times longer.
 */
export function seedHistory(
  dataDir: string,
  spec: SeedSpec,
): { seconds: number; dbMiB: number; entries: number } {
  const t0 = performance.now();
  const file = path.join(dataDir, 'parley.db');
  const db = new Database(file);
  let entries = 0;
  try {
    const columns = (table: string) =>
      new Set(
        db
          .prepare(`PRAGMA table_info(${table})`)
          .all()
          .map((c) => (c as { name: string }).name),
      );
    for (const [table, cols] of Object.entries(NEEDED)) {
      const have = columns(table);
      const missing = cols.filter((c) => !have.has(c));
      if (missing.length > 0) {
        throw new Error(
          `the server schema changed: ${table} lacks ${missing.join(', ')}; update history-seed.ts`,
        );
      }
    }
    const linked = Object.entries(LINKS).every(([table, col]) => columns(table).has(col));
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const c = spec.conversations;
    const n = spec.messages;
    const now = Date.now();
    const pair = spec.pair ?? ((k: number) => [userA(k), userB(k)]);
    const pairs = Array.from({ length: c }, (_, k) => pair(k));
    const series = (count: number) =>
      `WITH RECURSIVE k(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM k WHERE v < ${count - 1})`;
    db.transaction(() => {
      db.exec('CREATE TEMP TABLE seed_pairs (k INTEGER PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL)');
      const addPair = db.prepare('INSERT INTO seed_pairs (k, a, b) VALUES (?, ?, ?)');
      for (const [k, p] of pairs.entries()) addPair.run(k, ...p);
      db.exec(`INSERT INTO users (id, name, created_ms)
        SELECT a, a, ${now} FROM seed_pairs UNION SELECT b, b, ${now} FROM seed_pairs`);
      // Message k belongs to conversation k % c; within a conversation the two sides take turns.
      const oneEach = new Set(pairs.flat()).size === 2 * c;
      const seqs = oneEach ? `v / ${c} + 1` : 'NULL'; // many peers: numbered below
      db.exec(`${series(n)}
        INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms, to_seq, from_seq)
        SELECT v + 1,
          CASE WHEN (v / ${c}) % 2 = 0 THEN p.a ELSE p.b END,
          CASE WHEN (v / ${c}) % 2 = 0 THEN p.b ELSE p.a END,
          0, printf('%-64s', 'seeded message ' || (v + 1)), '=', 2,
          ${now - n} + v, ${seqs}, ${seqs}
        FROM k JOIN seed_pairs p ON p.k = v % ${c}`);
      if (oneEach) timelineOfOnePeer(db, c, linked);
      else timelineOfManyPeers(db, linked);
      db.exec(
        `UPDATE users SET seq_head = COALESCE((SELECT MAX(seq) FROM user_timeline WHERE user_id = users.id), 0)`,
      );
      // one row per user and peer, with the newest entry of the conversation
      const newest = oneEach
        ? 'users u JOIN user_timeline t ON t.user_id = u.id AND t.seq = u.seq_head'
        : '(SELECT user_id, peer_id, MAX(seq) AS seq, msg_id FROM user_timeline GROUP BY user_id, peer_id) t';
      db.exec(`INSERT INTO conversations (user_id, conv_id, last_ms, last_msg_id, unread, read_seq${linked ? ', last_seq' : ''})
        SELECT t.user_id, t.peer_id, m.time_ms, m.msg_id, 0, t.seq${linked ? ', t.seq' : ''}
        FROM ${newest} JOIN messages m ON m.msg_id = t.msg_id`);
      db.prepare(`UPDATE meta SET value = ? WHERE key = 'next_msg_id'`).run(n + 1);
      db.exec('DROP TABLE seed_pairs');
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    entries = (db.prepare('SELECT COUNT(*) AS n FROM user_timeline').get() as { n: number }).n;
  } finally {
    db.close();
  }
  return { seconds: (performance.now() - t0) / 1000, dbMiB: statSync(file).size / (1024 * 1024), entries };
}

/** Every user in one conversation: message v is at position v / c + 1 of both, linked to the one before. */
function timelineOfOnePeer(db: Database.Database, c: number, linked: boolean): void {
  const prev = linked ? `, (msg_id - 1) / ${c}` : '';
  db.exec(`INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming${linked ? ', prev_seq' : ''})
    SELECT from_id, (msg_id - 1) / ${c} + 1, msg_id, to_id, 0${prev} FROM messages
    UNION ALL SELECT to_id, (msg_id - 1) / ${c} + 1, msg_id, from_id, 1${prev} FROM messages
    ORDER BY 1, 2`);
}

/**
 * Users with several peers: each user's entries numbered in message order, each linked to the
 * user's previous entry with the same peer, and the positions written back into the message rows.
 */
function timelineOfManyPeers(db: Database.Database, linked: boolean): void {
  db.exec(`CREATE TEMP TABLE seed_entries AS
    SELECT user_id, msg_id, peer_id, incoming,
      ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY msg_id) AS seq
    FROM (SELECT from_id AS user_id, msg_id, to_id AS peer_id, 0 AS incoming FROM messages
          UNION ALL SELECT to_id, msg_id, from_id, 1 FROM messages)`);
  const prev = linked ? ', COALESCE(LAG(seq) OVER (PARTITION BY user_id, peer_id ORDER BY seq), 0)' : '';
  db.exec(`INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming${linked ? ', prev_seq' : ''})
    SELECT user_id, seq, msg_id, peer_id, incoming${prev} FROM seed_entries ORDER BY user_id, seq`);
  db.exec('CREATE INDEX temp.seed_entries_by_msg ON seed_entries (msg_id, incoming)');
  db.exec(`UPDATE messages SET
    from_seq = (SELECT seq FROM seed_entries e WHERE e.msg_id = messages.msg_id AND e.incoming = 0),
    to_seq = (SELECT seq FROM seed_entries e WHERE e.msg_id = messages.msg_id AND e.incoming = 1)`);
  db.exec('DROP TABLE seed_entries');
}
