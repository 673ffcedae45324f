import { copyFileSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { SqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite/sqlite-store.js';
import type { WriteOp } from '../../src/store/store.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { appendOp, reserveIds } from './write-ops.js';

/**
 * What the tests of the rows held in memory (sqlite-held-rows.test.ts, sqlite-held-recovery.test.ts)
 * share: stores in temporary folders, a second connection to read what the database has, crash
 * images, and three users talking in a fixed pattern with a model of their conversation lists.
 */

export const user = (userId: string): WriteOp => ({ kind: 'upsertUser', userId, name: userId, timeMs: 0 });

export function openStore(dir: string, opts: Partial<SqliteStoreOptions> = {}) {
  const store = new SqliteStore({ dataDir: dir, writer: 'inline', ...opts });
  onCleanup(() => store.close());
  return store;
}

/** A second connection to the file: what the database has, not what the writer holds. */
export function peek(dir: string) {
  const db = new Database(`${dir}/parley.db`, { readonly: true });
  onCleanup(() => db.close());
  return {
    rows: () =>
      db
        .prepare('SELECT user_id, conv_id, last_msg_id, unread, last_seq FROM conversations ORDER BY 1, 2')
        .raw()
        .all(),
    pending: () => db.prepare('SELECT user_id, msg_id FROM pending ORDER BY 1, 2').raw().all(),
    /** The message's position in its recipient's timeline, from its row (written with each batch). */
    toSeq: (msgId: number) =>
      (db.prepare('SELECT to_seq FROM messages WHERE msg_id = ?').get(msgId) as { to_seq: number }).to_seq,
    entries: () => (db.prepare('SELECT COUNT(*) AS n FROM user_timeline').get() as { n: number }).n,
    heldSince: () =>
      (db.prepare("SELECT value FROM meta WHERE key = 'conv_held_ms'").get() as { value: number } | undefined)
        ?.value,
    /** The user's timeline entry of the message, if the database has it. */
    entry: (userId: string, msgId: number) =>
      db.prepare('SELECT seq FROM user_timeline WHERE user_id = ? AND msg_id = ?').get(userId, msgId) as
        | { seq: number }
        | undefined,
    db,
  };
}

/** The messages pending for the user, as the store reads them (it writes the held rows first). */
export async function pendingOf(store: SqliteStore, userId: string) {
  return (await store.pendingMessages(userId, 0, 100)).map((m) => m.msgId);
}

/** The messages sent to the user (notes to oneself included), oldest first, but those in `except`. */
export function sentTo(userId: string, sent: number[], except: number[] = []) {
  return sent.filter((id, n) => PAIRS[n % PAIRS.length]![1] === userId && !except.includes(id));
}

export const confirm = (userId: string, msgId: number): WriteOp => ({ kind: 'confirm', userId, msgId });

/**
 * The files of a store as a SIGKILL would leave them: the database and its WAL, copied while the
 * store is open (with checkpoints inside commits, nothing changes them between two writes).
 */
export function crashImage(dir: string): string {
  const crashed = tempDir();
  for (const f of ['parley.db', 'parley.db-wal'])
    if (existsSync(`${dir}/${f}`)) copyFileSync(`${dir}/${f}`, `${crashed}/${f}`);
  return crashed;
}

/** A store in a new folder, a reader of its file, and the messages `talk` sent first. */
export async function talking(count: number, opts: Partial<SqliteStoreOptions> = {}) {
  const dir = tempDir();
  const store = openStore(dir, opts);
  const free = await setUp(store);
  const sent = await talk(store, free, 0, count);
  return { dir, store, free, sent, db: peek(dir) };
}

/** Each user's conversation list as [peer, last message, unread]. */
export async function lists(store: SqliteStore, users: string[]) {
  const out: Record<string, [string, number | undefined, number][]> = {};
  for (const u of users)
    out[u] = (await store.conversations(u, undefined, 100)).map((c) => [c.id, c.last?.msgId, c.unread]);
  return out;
}

export const PAIRS = [
  ['a', 'b'],
  ['b', 'a'],
  ['a', 'c'],
  ['a', 'a'],
  ['c', 'a'],
] as const;

/** The users a, b and c, and ids for each to send. */
export async function setUp(store: SqliteStore) {
  await store.write(['a', 'b', 'c'].map(user));
  return {
    a: await reserveIds(store, 'a', 30),
    b: await reserveIds(store, 'b', 30),
    c: await reserveIds(store, 'c', 30),
  } as Record<string, number[]>;
}

/**
 * Messages `from` to `to` - 1: message n goes as PAIRS[n mod 5] says, at time 1000 + n, in batches
 * of one to three. Returns the ids sent, by n.
 */
export async function talk(
  store: SqliteStore,
  free: Record<string, number[]>,
  from: number,
  to: number,
  sent: number[] = [],
) {
  let n = from;
  for (let batch = 1; n < to; batch = (batch % 3) + 1) {
    const ops: WriteOp[] = [];
    for (let i = 0; i < batch && n < to; i++, n++) {
      const [sender, recipient] = PAIRS[n % PAIRS.length]!;
      const id = free[sender]!.shift()!;
      sent[n] = id;
      ops.push(appendOp(id, sender, recipient, `m${n}`, 1000 + n));
    }
    for (const r of await store.write(ops)) expect(r).toMatchObject({ outcome: 'stored' });
  }
  return sent;
}

/**
 * What the conversation lists must be after the messages sent (a model, not the store's code):
 * newest activity first, each with its last message and the messages received (a note to oneself
 * is never unread).
 */
export function expected(sent: number[]) {
  const rows = new Map(['a', 'b', 'c'].map((u) => [u, new Map<string, { n: number; unread: number }>()]));
  const touch = (u: string, peer: string, n: number, unread: number) => {
    const mine = rows.get(u)!;
    mine.set(peer, { n, unread: (mine.get(peer)?.unread ?? 0) + unread });
  };
  sent.forEach((_, n) => {
    const [from, to] = PAIRS[n % PAIRS.length]!;
    touch(from, to, n, 0);
    if (to !== from) touch(to, from, n, 1);
  });
  const out: Record<string, [string, number | undefined, number][]> = {};
  for (const [u, mine] of [...rows].sort())
    out[u] = [...mine].sort((x, y) => y[1].n - x[1].n).map(([peer, r]) => [peer, sent[r.n], r.unread]);
  return out;
}
