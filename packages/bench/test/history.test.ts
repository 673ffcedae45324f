import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { stopAllChildren } from '../src/process/children.js';
import { goals } from '../src/report/goals.js';
import { historyTable } from '../src/report/markdown.js';
import { silentProgress } from '../src/report/progress.js';
import type { BenchResults } from '../src/report/results.js';
import { history, shapePairs } from '../src/scenarios/history.js';
import { seedHistory } from '../src/scenarios/history-seed.js';
import { withTarget } from '../src/targets.js';
import { requireBuiltServer } from './require-build.js';

afterAll(() => stopAllChildren(1000));

describe('the stores of the history scenario', () => {
  it('pairs users on a ring when they have several peers', () => {
    expect(shapePairs({ users: 4, peers: 1 })).toEqual([
      ['hA00000', 'hB00000'],
      ['hA00001', 'hB00001'],
    ]);
    expect(shapePairs({ users: 4, peers: 2 })).toEqual([
      ['hU00000', 'hU00001'],
      ['hU00001', 'hU00002'],
      ['hU00002', 'hU00003'],
      ['hU00003', 'hU00000'],
    ]);
    // every user has `peers` distinct peers
    const pairs = shapePairs({ users: 10, peers: 4 });
    for (let i = 0; i < 10; i++) {
      const me = `hU0000${i}`;
      const peers = pairs.filter((p) => p.includes(me)).map(([a, b]) => (a === me ? b : a));
      expect(new Set(peers).size).toBe(4);
    }
  });

  it('seeds users with several peers as the server would have stored them', async () => {
    requireBuiltServer();
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-seed-peers-test-'));
    try {
      await withTarget('parley', { dataDir: dir }, async () => {}); // the server creates the schema
      const pairs = shapePairs({ users: 4, peers: 2 });
      const seed = seedHistory(dir, { messages: 12, conversations: pairs.length, pair: (k) => pairs[k]! });
      expect(seed.entries).toBe(24);
      const db = new Database(path.join(dir, 'parley.db'), { readonly: true });
      try {
        const rows = (sql: string) => db.prepare(sql).raw().all();
        // u0 talks with u1 (messages 1, 5, 9) and with u3 (4, 8, 12): one position per message,
        // each linked to u0's previous entry with the same peer
        expect(
          rows(`SELECT seq, prev_seq, msg_id, peer_id, incoming FROM user_timeline
                WHERE user_id = 'hU00000' ORDER BY seq`),
        ).toEqual([
          [1, 0, 1, 'hU00001', 0],
          [2, 0, 4, 'hU00003', 1],
          [3, 1, 5, 'hU00001', 1],
          [4, 2, 8, 'hU00003', 0],
          [5, 3, 9, 'hU00001', 0],
          [6, 4, 12, 'hU00003', 1],
        ]);
        // the message rows carry both users' positions
        expect(rows('SELECT from_id, from_seq, to_id, to_seq FROM messages WHERE msg_id = 4')).toEqual([
          ['hU00003', 2, 'hU00000', 2],
        ]);
        expect(
          rows(`SELECT COUNT(*) FROM messages m WHERE
                from_seq IS NOT (SELECT seq FROM user_timeline WHERE user_id = m.from_id AND msg_id = m.msg_id)
                OR to_seq IS NOT (SELECT seq FROM user_timeline WHERE user_id = m.to_id AND msg_id = m.msg_id)`),
        ).toEqual([[0]]);
        expect(
          rows(`SELECT conv_id, last_msg_id, last_seq, read_seq, unread FROM conversations
                WHERE user_id = 'hU00000' ORDER BY conv_id`),
        ).toEqual([
          ['hU00001', 9, 5, 5, 0],
          ['hU00003', 12, 6, 6, 0],
        ]);
        expect(rows('SELECT id, seq_head FROM users ORDER BY id')).toEqual(
          ['hU00000', 'hU00001', 'hU00002', 'hU00003'].map((u) => [u, 6]),
        );
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the history scenario', () => {
  it('pages through both stores, every page full and of the conversation asked for', async () => {
    requireBuiltServer();
    const result = await history.run({ mode: 'quick', targets: ['parley'], progress: silentProgress() });
    expect(result.kind).toBe('history');
    if (result.kind !== 'history') return;
    expect(result.stores.map((s) => [s.store, s.build, s.peersPerUser, s.conversations])).toEqual([
      ['one peer per user', 'this checkout', 1, 100],
      ['many peers per user', 'this checkout', 10, 500],
    ]);
    for (const store of result.stores) {
      expect(store.errors).toEqual({});
      for (const kind of store.kinds) {
        expect(kind.badPages).toBe(0);
        expect(kind.count).toBeGreaterThan(0);
      }
    }
    // 20 readers: ten pages of one conversation each in the first store, two in the second, and
    // the page across all conversations
    expect(result.stores.map((s) => s.kinds.map((k) => k.count))).toEqual([
      [20, 180, 20],
      [20, 20, 20],
    ]);
    expect(historyTable(result)).toContain('many peers per user, read by this checkout');
    const rows = goals({
      scenarios: { history: result },
      integrity: { lost: 0, doubled: 0 },
    } as unknown as BenchResults);
    expect(rows.map((r) => r.goal)).toEqual([
      'history page p99 on 20,000 messages, one peer per user (worst query kind)',
      'history page p99 on 20,000 messages, many peers per user (worst query kind)',
      'lost / doubled messages, all scenarios',
    ]);
  });

  it('refuses --against a checkout without a built server', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-not-built-'));
    try {
      await expect(
        history.run({ mode: 'quick', targets: ['parley'], progress: silentProgress(), against: dir }),
      ).rejects.toThrow(/no built server/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
