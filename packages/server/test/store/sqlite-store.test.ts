import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TimelineEntry } from '../../src/store/store.js';
import { sqlitePlans } from '../helpers/query-plans.js';
import { sqliteBefore } from '../helpers/sqlite-before.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { describeConversationContract } from './conversation-contract.js';
import { describeGroupContract } from './group-contract.js';
import { describeGroupMessageContract } from './group-message-contract.js';
import { describeSocialContract } from './social-contract.js';
import { describeStoreContract } from './store-contract.js';

async function sqliteStore(): Promise<SqliteStore> {
  const store = new SqliteStore({ dataDir: tempDir() });
  onCleanup(() => store.close());
  return store;
}

describeStoreContract('sqlite', sqliteStore);
describeSocialContract('sqlite', sqliteStore);
describeGroupContract('sqlite', sqliteStore);
describeGroupMessageContract('sqlite', sqliteStore);
describeConversationContract('sqlite', sqliteStore);

describe('SqliteStore specifics', () => {
  it('survives a reopen with its sequence and data', async () => {
    const dir = tempDir();
    const s1 = new SqliteStore({ dataDir: dir });
    await s1.write([{ kind: 'upsertUser', userId: 'a', name: 'A', timeMs: 0 }]);
    const reserve = (count: number) =>
      ({ kind: 'reserve', userId: 'a', count, nowMs: 1, validFromMs: 0, maxOutstanding: 100 }) as const;
    await s1.write([reserve(10)]);
    await s1.close();
    const s2 = new SqliteStore({ dataDir: dir, synchronous: 'full' });
    onCleanup(() => s2.close());
    expect(await s2.getUser('a')).toEqual({ id: 'a', name: 'A' });
    expect(await s2.write([reserve(1)])).toEqual([{ outcome: 'reserved', ids: [11] }]);
  });

  it('answers history pages and backlogs from indexes, never by scanning messages', async () => {
    const { sql, plan } = await sqlitePlans();
    // the statements behind history, backlogs, catch-up, confirmations and quotas
    const reads = [
      'historyAll',
      // a 1:1 conversation's page: the links, the scan where a link is broken
      'conversationHead',
      'conversationEntries',
      'conversationLinks',
      'peerEntryBelow',
      'inboxSince',
      'receivedBetween',
      'seqHead',
      'pendingMessages',
      'pendingNotices',
      'messageById',
      'entrySeq',
      'unusedIdsOf',
      'rangeAt',
      'pendingFriendRequestCount',
      // the writer's confirmations, and what it loads once per user
      'confirmPending',
      'pendingCount',
      'blocksOf',
      'settleSeqHead',
      // a start after a crash: the messages from the lowest id that can be held, and where ids begin
      'messagesSince',
      'restorePending',
      'lowestOpenId',
    ];
    for (const name of reads) {
      const text = sql[name]?.source;
      expect(text, name).toBeDefined();
      const p = plan(text!);
      expect(p, name).not.toMatch(
        /SCAN (m|messages|t|user_timeline|p|pending|notices|id_ranges|friend_requests)\b(?! USING)/,
      );
      expect(p, name).not.toMatch(/TEMP B-TREE/);
    }
    for (const name of ['messagesSince', 'restorePending'])
      expect(plan(sql[name]!.source), name).toMatch(
        /SEARCH m(essages)? USING INDEX messages_by_id \(msg_id>\?\)/,
      );
  });

  it('answers the conversation list and group reads from indexes, never by scanning or sorting a table', async () => {
    const { sql, plan } = await sqlitePlans();
    const p = plan(sql.conversations!.source);
    // a backward walk of (user_id, last_ms, conv_id) from the cursor; the names and the last
    // message by key
    expect(p).toMatch(/SEARCH c USING (COVERING )?INDEX conversations_by_activity \(user_id=\? AND/);
    expect(p).not.toMatch(/SCAN c\b|TEMP B-TREE/);
    for (const name of [
      'conversations',
      'entries',
      'history',
      'messageSeq',
      'groupsToSync',
      'member',
      'memberIds',
      'readCount',
      'readMember',
      'confirmMember',
      'touchGroupConversations',
      'readGroupConversation',
      'setConversationRead',
      'touchConversation',
    ]) {
      const text = sql[name]?.source;
      expect(text, name).toBeDefined();
      const q = plan(text!);
      expect(q, name).not.toMatch(
        /SCAN (c|conversations|e|group_timeline|gm|group_members|g|groups|m|messages|t|user_timeline|u|users)\b/,
      );
      if (name !== 'readGroupConversation') expect(q, name).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('fills the conversation list from the 1:1 messages of a version 7 database', async () => {
    const dir = tempDir();
    const old = sqliteBefore(dir, 7);
    old.exec(`
      INSERT INTO users (id, name, created_ms, seq_head) VALUES ('a', 'A', 0, 5), ('b', 'B', 0, 3);
      INSERT INTO messages (seq, msg_id, from_id, to_id, conv, type, body, digest, status, time_ms) VALUES
        (1, 1, 'a', 'b', 'a b', 0, 'one', 'd1', 2, 10), (2, 2, 'a', 'b', 'a b', 0, 'two', 'd2', 1, 20),
        (3, 3, 'b', 'a', 'a b', 0, 'three', 'd3', 1, 30), (4, 4, 'a', 'a', 'a a', 0, 'note', 'd4', 1, 40),
        (5, 5, 'a', 'a', 'a a', 0, 'note', 'd5', 1, 50);
      INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming) VALUES
        ('a', 1, 1, 'b', 0), ('b', 1, 1, 'a', 1), ('a', 2, 2, 'b', 0), ('b', 2, 2, 'a', 1),
        ('a', 3, 3, 'b', 1), ('b', 3, 3, 'a', 0), ('a', 4, 4, 'a', 1), ('a', 5, 5, 'a', 1);
    `);
    old.close();
    const store = new SqliteStore({ dataDir: dir });
    onCleanup(() => store.close());
    const brief = async (u: string) =>
      (await store.conversations(u, undefined, 10)).map((c) => [c.id, c.unread, c.lastMs, c.last?.msgId]);
    // b read the first message only; a read nothing from b; notes to oneself are never unread
    expect(await brief('b')).toEqual([['a', 1, 30, 3]]);
    expect(await brief('a')).toEqual([
      ['a', 0, 50, 5],
      ['b', 1, 30, 3],
    ]);
  });

  it('migrates a database of the global-sequence era to per-user timelines, keeping positions and what is pending', async () => {
    const dir = tempDir();
    const old = sqliteBefore(dir, 6);
    old.exec(`
      UPDATE meta SET value = 4 WHERE key = 'next_msg_id';
      INSERT INTO users (id, name, created_ms) VALUES ('a', 'A', 0), ('b', 'B', 0);
      INSERT INTO messages (seq, msg_id, from_id, to_id, conv, type, body, digest, status, time_ms)
        VALUES (10, 1, 'a', 'b', 'a b', 0, 'one', 'd1', 1, 1), (11, 2, 'b', 'a', 'a b', 0, 'two', 'd2', 1, 2),
               (12, 3, 'a', 'b', 'a b', 0, 'three', 'd3', 1, 3);
      INSERT INTO timeline (user_id, seq) VALUES ('a', 10), ('b', 10), ('a', 11), ('b', 11), ('a', 12), ('b', 12);
      INSERT INTO pending_messages (user_id, seq) VALUES ('b', 12), ('a', 11);
      INSERT INTO pending_counts (user_id, n) VALUES ('b', 1), ('a', 1);
      INSERT INTO contacts (user_id, contact_id, position) VALUES ('a', 'b', 0);
    `);
    old.close();
    const store = new SqliteStore({ dataDir: dir });
    onCleanup(() => store.close());
    const entries = (rows: TimelineEntry[] | 'unknown_base') =>
      (rows as TimelineEntry[]).map((m) => [m.seq, m.msgId]).reverse();
    // old numbers stay, so a device's since from before the upgrade still means the same messages
    expect(entries(await store.history({ userId: 'a', limit: 10 }))).toEqual([
      [10, 1],
      [11, 2],
      [12, 3],
    ]);
    expect(entries(await store.history({ userId: 'b', peerId: 'a', limit: 10 }))).toEqual([
      [10, 1],
      [11, 2],
      [12, 3],
    ]);
    expect((await store.pendingMessages('b', 0, 10)).map((m) => [m.seq, m.msgId])).toEqual([[12, 3]]);
    expect((await store.pendingMessages('a', 0, 10)).map((m) => [m.seq, m.msgId])).toEqual([[11, 2]]);
    expect((await store.inboxSince('b', 0, 10)).map((m) => m.seq)).toEqual([10, 11, 12]);
    expect((await store.inboxSince('b', 10, 10)).map((m) => m.seq)).toEqual([11, 12]);
    // new messages continue each timeline; confirmations still lower the pending count
    await store.write([{ kind: 'confirm', userId: 'b', msgId: 3 }]);
    const reserve = {
      kind: 'reserve',
      userId: 'a',
      count: 1,
      nowMs: 5,
      validFromMs: 0,
      maxOutstanding: 9,
    } as const;
    const [r] = await store.write([reserve]);
    const id = (r as { ids: number[] }).ids[0]!;
    const message = {
      msgId: id,
      fromId: 'a',
      toId: 'b',
      type: 0 as const,
      body: 'four',
      timeMs: 4,
    };
    const [appended] = await store.write([{ kind: 'append', ...message, validFromMs: 0, maxPending: 1 }]);
    expect(appended).toMatchObject({ outcome: 'stored', message: { seq: 13 } });
    expect((await store.getContacts('a')).map((c) => c.toId)).toEqual(['b']);
  });
});
