import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CONVERSATION_CHAINS } from '../../src/store/sqlite/conversation-chain-schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TimelineEntry, WriteOp } from '../../src/store/store.js';
import { sqliteBefore } from '../helpers/sqlite-before.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { appendOp, reserveIds } from './write-ops.js';

/**
 * 1:1 conversations without an index by peer (conversation-chain-schema.ts): each timeline entry
 * links to the user's previous entry of the conversation, and reads find their way past broken links.
 */

const user = (userId: string): WriteOp => ({ kind: 'upsertUser', userId, name: userId, timeMs: 0 });
const ids = (rows: TimelineEntry[] | 'unknown_base') =>
  rows === 'unknown_base' ? rows : rows.map((m) => m.msgId);
const peerOf = (me: string, m: TimelineEntry) => (m.fromId === me ? m.toId : m.fromId);

function openStore(dir: string) {
  const store = new SqliteStore({ dataDir: dir, writer: 'inline' });
  onCleanup(() => store.close());
  return store;
}

/**
 * a talks with b and c, and to itself, interleaved, in batches of 1 to 4 messages (the writer links
 * within a batch from memory and across batches from the conversation row); b and c also talk.
 */
async function interleaved(dir = tempDir()) {
  const store = openStore(dir);
  await store.write(['a', 'b', 'c'].map(user));
  const pairs: [string, string][] = [
    ['a', 'b'],
    ['b', 'a'],
    ['a', 'c'],
    ['a', 'a'],
    ['c', 'a'],
    ['b', 'c'],
    ['a', 'b'],
  ];
  const free: Record<string, number[]> = {
    a: await reserveIds(store, 'a', 40),
    b: await reserveIds(store, 'b', 40),
    c: await reserveIds(store, 'c', 40),
  };
  let n = 0;
  for (let batch = 1; n < 60; batch = (batch % 4) + 1) {
    const ops: WriteOp[] = [];
    for (let i = 0; i < batch; i++, n++) {
      const [from, to] = pairs[(n * 5) % pairs.length]!;
      ops.push(appendOp(free[from]!.shift()!, from, to, `m${n}`, 1000 + n));
    }
    for (const r of await store.write(ops)) expect(r).toMatchObject({ outcome: 'stored' });
  }
  return { store, dir };
}

/** The user's whole conversation with the peer, newest first, from its whole timeline. */
async function expected(store: SqliteStore, me: string, peer: string) {
  const all = await store.history({ userId: me, limit: 1000 });
  if (all === 'unknown_base') throw new Error('no timeline');
  return all.filter((m) => peerOf(me, m) === peer);
}

/** The conversation as pages of `limit` (newest first), each based on the last one's oldest message. */
async function paged(store: SqliteStore, me: string, peer: string, limit: number) {
  const out: TimelineEntry[] = [];
  for (;;) {
    const page = await store.history({ userId: me, peerId: peer, beforeMsgId: out.at(-1)?.msgId, limit });
    if (page === 'unknown_base') throw new Error('unknown base');
    out.push(...page);
    if (page.length < limit) return out;
  }
}

async function unreadOf(store: SqliteStore, me: string) {
  return Object.fromEntries((await store.conversations(me, undefined, 10)).map((c) => [c.id, c.unread]));
}

describe('SQLite 1:1 conversations by links', () => {
  it('pages a conversation interleaved with others as the timeline has it, from any base', async () => {
    const { store } = await interleaved();
    for (const [me, peer] of [
      ['a', 'b'],
      ['a', 'c'],
      ['a', 'a'],
      ['b', 'a'],
      ['b', 'c'],
      ['c', 'b'],
    ] as const) {
      const whole = await expected(store, me, peer);
      expect(whole.length, `${me} with ${peer}`).toBeGreaterThan(3);
      for (const limit of [1, 3, 100]) expect(ids(await paged(store, me, peer, limit))).toEqual(ids(whole));
    }
    // a base of another conversation: the page continues below it
    const timeline = await expected(store, 'a', 'c');
    const withB = await expected(store, 'a', 'b');
    for (const base of timeline) {
      const page = await store.history({ userId: 'a', peerId: 'b', beforeMsgId: base.msgId, limit: 3 });
      expect(ids(page)).toEqual(ids(withB.filter((m) => m.seq < base.seq).slice(0, 3)));
    }
    // nothing with a user a never talked to, or an unknown one
    await store.write([user('d')]);
    expect(await store.history({ userId: 'a', peerId: 'd', limit: 10 })).toEqual([]);
    expect(await store.history({ userId: 'a', peerId: 'nobody', limit: 10 })).toEqual([]);
    const newest = timeline[0]!.msgId;
    expect(await store.history({ userId: 'a', peerId: 'd', beforeMsgId: newest, limit: 10 })).toEqual([]);
  });

  it("writes each message's entries as its row says: the recipient's, the sender's, one for a note to oneself", async () => {
    const { dir, store } = await interleaved();
    expect(store.holdsRows).toBe(true); // the newest entries are held (entry-buffer.ts) ...
    await store.flushHeld(); // ... until a read of the store writes them
    const db = new Database(`${dir}/parley.db`, { readonly: true });
    onCleanup(() => db.close());
    type Entry = [user: string, seq: number, msgId: number, peer: string, incoming: number, prev: number];
    const entries = db
      .prepare('SELECT user_id, seq, msg_id, peer_id, incoming, prev_seq FROM user_timeline ORDER BY 1, 2')
      .raw()
      .all() as Entry[];
    // what the message rows say each user's entries are, linked to the user's previous one with the peer
    const rows = db
      .prepare(
        'SELECT msg_id, from_id, to_id, to_seq, from_seq, to_prev, from_prev FROM messages ORDER BY msg_id',
      )
      .raw()
      .all() as [number, string, string, number, number | null, number, number | null][];
    const want: Entry[] = [];
    // the links as the message rows have them too (for a start after a crash, held-recovery.ts)
    const rowLinks: Entry[] = [];
    for (const [msgId, from, to, toSeq, fromSeq, toPrev, fromPrev] of rows) {
      want.push([to, toSeq, msgId, from, 1, 0]);
      rowLinks.push([to, toSeq, msgId, from, 1, toPrev]);
      if (from !== to) want.push([from, fromSeq!, msgId, to, 0, 0]);
      if (from !== to) rowLinks.push([from, fromSeq!, msgId, to, 0, fromPrev!]);
      else expect(fromPrev).toBeNull();
    }
    want.sort((x, y) => (x[0] === y[0] ? x[1] - y[1] : x[0] < y[0] ? -1 : 1));
    const last = new Map<string, number>();
    for (const e of want) {
      e[5] = last.get(`${e[0]}>${e[3]}`) ?? 0;
      last.set(`${e[0]}>${e[3]}`, e[1]);
    }
    expect(rows.filter(([, from, to]) => from === to).length).toBeGreaterThan(3);
    expect(entries).toEqual(want);
    const byPosition = (x: Entry, y: Entry) => (x[0] === y[0] ? x[1] - y[1] : x[0] < y[0] ? -1 : 1);
    expect(rowLinks.sort(byPosition)).toEqual(want);
  });

  it('finds every remaining entry past broken links, and counts unread messages past them', async () => {
    const { store, dir } = await interleaved();
    const withB = await expected(store, 'a', 'b');
    const withC = await expected(store, 'a', 'c');
    await store.close();
    // break links behind the store's back: a's newest entry with b and one in the middle go, and
    // another entry's link is bent to an entry of the conversation with c
    const db = new Database(`${dir}/parley.db`);
    const gone = [withB[0]!, withB[4]!];
    for (const m of gone) db.prepare("DELETE FROM user_timeline WHERE user_id = 'a' AND seq = ?").run(m.seq);
    const bent = withB.find((m) => m.seq > withC.at(-1)!.seq && m.seq < withB[4]!.seq)!;
    const cBelow = withC.find((m) => m.seq < bent.seq)!;
    db.prepare("UPDATE user_timeline SET prev_seq = ? WHERE user_id = 'a' AND seq = ?").run(
      cBelow.seq,
      bent.seq,
    );
    db.close();

    const reopened = openStore(dir);
    const remaining = withB.filter((m) => !gone.includes(m));
    for (const limit of [1, 2, 50])
      expect(ids(await paged(reopened, 'a', 'b', limit))).toEqual(ids(remaining));
    // the next message links to the deleted newest entry; the chain still leads through
    const [next, ...more] = await reserveIds(reopened, 'b', 6);
    expect(await reopened.write([appendOp(next!, 'b', 'a', 'after')])).toMatchObject([{ outcome: 'stored' }]);
    expect(ids(await paged(reopened, 'a', 'b', 2))).toEqual([next, ...ids(remaining)]);

    // unread: five new messages from b, and the middle one's entry gone (as retention deletes,
    // without relinking): the link of the one after it is broken
    await reopened.write(more.map((id) => appendOp(id, 'b', 'a')));
    const fresh = (await paged(reopened, 'a', 'b', 10)).slice(0, 5);
    await reopened.close();
    const db2 = new Database(`${dir}/parley.db`);
    db2.prepare("DELETE FROM user_timeline WHERE user_id = 'a' AND seq = ?").run(fresh[2]!.seq);
    db2.close();
    const third = openStore(dir);
    const left = fresh.filter((_, i) => i !== 2).map((m) => m.msgId);
    expect(ids(await paged(third, 'a', 'b', 3))).toEqual([...left, next, ...ids(remaining)]);
    // a reads the oldest of the five: the three left after it are unread, two of them past the break
    const read = { kind: 'read', readerId: 'a', senderId: 'b', notice: '{}' } as const;
    expect(await third.write([{ ...read, msgId: fresh[4]!.msgId }])).toMatchObject([{ outcome: 'read' }]);
    expect((await unreadOf(third, 'a')).b).toBe(3);
    // reading an older message than the conversation is read up to changes nothing
    expect(await third.write([{ ...read, msgId: next! }])).toMatchObject([{ outcome: 'read' }]);
    expect((await unreadOf(third, 'a')).b).toBe(3);
    expect(await third.write([{ ...read, msgId: fresh[0]!.msgId }])).toMatchObject([{ outcome: 'read' }]);
    expect((await unreadOf(third, 'a')).b).toBe(0);
  });

  it('links the entries and heads of the previous version, and drops the index by peer', async () => {
    const dir = tempDir();
    const old = sqliteBefore(dir, CONVERSATION_CHAINS);
    // a: 1 to b, 2 from b (read), 3 to itself, 4 from c, 5 from b, 6 to b; b unread 1 with a
    old.exec(`
      UPDATE meta SET value = 20 WHERE key = 'next_msg_id';
      INSERT INTO users (id, name, created_ms) VALUES ('a', 'A', 0), ('b', 'B', 0), ('c', 'C', 0);
      INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms, to_seq, from_seq) VALUES
        (1, 'a', 'b', 0, 'one', 'd1', 1, 10, 1, 1), (2, 'b', 'a', 0, 'two', 'd2', 2, 20, 2, 2),
        (3, 'a', 'a', 0, 'note', 'd3', 1, 30, 3, NULL), (4, 'c', 'a', 0, 'four', 'd4', 1, 40, 4, 1),
        (5, 'b', 'a', 0, 'five', 'd5', 1, 50, 5, 3), (6, 'a', 'b', 0, 'six', 'd6', 1, 60, 4, 6);
      INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming) VALUES
        ('a', 1, 1, 'b', 0), ('a', 2, 2, 'b', 1), ('a', 3, 3, 'a', 1), ('a', 4, 4, 'c', 1), ('a', 5, 5, 'b', 1),
        ('a', 6, 6, 'b', 0), ('b', 1, 1, 'a', 1), ('b', 2, 2, 'a', 0), ('b', 3, 5, 'a', 0), ('b', 4, 6, 'a', 1),
        ('c', 1, 4, 'a', 0);
      INSERT INTO conversations (user_id, conv_id, last_ms, last_msg_id, unread, read_seq) VALUES
        ('a', 'b', 60, 6, 1, 2), ('a', 'a', 30, 3, 0, 0), ('a', 'c', 40, 4, 1, 0),
        ('b', 'a', 60, 6, 2, 0), ('c', 'a', 40, 4, 0, 0);
    `);
    old.close();
    const store = openStore(dir);
    const db = new Database(`${dir}/parley.db`, { readonly: true });
    onCleanup(() => db.close());
    expect(
      db.prepare("SELECT seq, prev_seq FROM user_timeline WHERE user_id = 'a' ORDER BY seq").raw().all(),
    ).toEqual([
      [1, 0],
      [2, 1],
      [3, 0],
      [4, 0],
      [5, 2],
      [6, 5],
    ]);
    expect(
      db.prepare('SELECT user_id, conv_id, last_seq FROM conversations ORDER BY 1, 2').raw().all(),
    ).toEqual([
      ['a', 'a', 3],
      ['a', 'b', 6],
      ['a', 'c', 4],
      ['b', 'a', 4],
      ['c', 'a', 1],
    ]);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'user_timeline_by_peer'").all()).toEqual(
      [],
    );
    expect(ids(await paged(store, 'a', 'b', 2))).toEqual([6, 5, 2, 1]);
    expect(ids(await store.history({ userId: 'a', peerId: 'b', beforeMsgId: 4, limit: 10 }))).toEqual([2, 1]);
    // new messages continue the chains
    const [id] = await reserveIds(store, 'b', 1);
    await store.write([appendOp(id!, 'b', 'a')]);
    expect(ids(await paged(store, 'a', 'b', 10))).toEqual([id, 6, 5, 2, 1]);
    expect(ids(await paged(store, 'b', 'a', 3))).toEqual([id, 6, 5, 2, 1]);
    expect(
      await store.write([{ kind: 'read', readerId: 'a', senderId: 'b', msgId: 5, notice: '{}' }]),
    ).toMatchObject([{ outcome: 'read' }]);
    expect((await unreadOf(store, 'a')).b).toBe(1);
  });
});
