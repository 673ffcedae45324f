import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { MIGRATIONS } from '../../src/store/postgres/schema/migrations.js';
import { SQL } from '../../src/store/postgres/statements.js';
import type { AppendResult, WriteOp } from '../../src/store/store.js';
import { freshSchema, PG_URL, pgQuery, pgStore } from '../helpers/postgres.js';
import { pgPlan } from '../helpers/query-plans.js';
import { onCleanup } from '../helpers/test-server.js';

const USERS = ['a', 'b', 'c', 'd', 'e', 'f'];
const GROUPS = ['~g1', '~g2'];

describe('PostgresStore groups with several nodes', () => {
  it('gives concurrent batches gap-free, unique group positions in commit order, without deadlocks', async () => {
    const schema = freshSchema();
    const nodes = [await pgStore(schema), await pgStore(schema)];
    await nodes[0]!.write(USERS.map((id) => ({ kind: 'upsertUser', userId: id, name: id, timeMs: 0 })));
    for (const groupId of GROUPS) {
      const [r] = await nodes[0]!.write([
        {
          kind: 'createGroup',
          groupId,
          name: groupId,
          ownerId: 'a',
          memberIds: USERS,
          maxMembers: 500,
          timeMs: 0,
        },
      ]);
      expect(r).toMatchObject({ outcome: 'created' });
    }
    /** What each append to a group answered: group, msgId, position. */
    const stored: { groupId: string; msgId: number; seq: number }[] = [];
    const batches = 12;
    const worker = async (store: PostgresStore, w: number) => {
      const me = USERS[w % USERS.length]!;
      let lastInG1: number | undefined;
      for (let b = 0; b < batches; b++) {
        const [reserved] = await store.write([
          { kind: 'reserve', userId: me, count: 4, nowMs: b, validFromMs: 0, maxOutstanding: 1000 },
        ]);
        const ids = (reserved as { ids: number[] }).ids;
        // half the workers write the groups in one order, half in the other
        const order = w % 2 === 0 ? GROUPS : [...GROUPS].reverse();
        const targets = [order[0]!, order[1]!, USERS[(w + b + 1) % USERS.length]!, order[0]!];
        const ops: WriteOp[] = targets.map((toId, i) => ({
          kind: 'append',
          msgId: ids[i]!,
          fromId: me,
          toId,
          type: 0,
          body: `w${w} b${b} ${i}`,
          timeMs: b,
          validFromMs: 0,
          maxPending: 1_000_000,
        }));
        // other users' positions and reads in the same groups, and now and then a change
        ops.push({ kind: 'groupConfirm', groupId: order[1]!, userId: USERS[(w + b) % 6]!, seq: b * 3 });
        if (lastInG1 !== undefined)
          ops.push({ kind: 'groupRead', groupId: '~g1', readerId: USERS[(w + 1) % 6]!, msgId: lastInG1 });
        if (b % 4 === w % 4) {
          const change = { op: 'rename', name: `w${w} b${b}` } as const;
          ops.push({ kind: 'changeGroup', groupId: '~g2', actorId: 'a', change, maxMembers: 500, timeMs: b });
        }
        const results = await store.write(ops);
        for (const [i, r] of (results.slice(0, 4) as AppendResult[]).entries()) {
          expect(r.outcome).toBe('stored');
          if (r.outcome === 'stored' && targets[i]!.startsWith('~')) {
            stored.push({ groupId: targets[i]!, msgId: r.message.msgId, seq: r.message.seq });
            if (targets[i] === '~g1') lastInG1 = r.message.msgId;
          }
        }
      }
    };
    await Promise.all(nodes.flatMap((node, n) => [0, 1, 2, 3].map((w) => worker(node, n * 4 + w))));
    expect(nodes.map((n) => n.retriedBatches)).toEqual([0, 0]); // no deadlock to retry

    for (const groupId of GROUPS) {
      const group = (await nodes[1]!.getGroup(groupId))!;
      const entries = await nodes[1]!.groupEntries(groupId, 0, group.seqHead, 100_000);
      // exactly 1..N
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: group.seqHead }, (_, i) => i + 1));
      const mine = stored.filter((s) => s.groupId === groupId);
      const messages = entries.filter((e) => e.kind === 'message');
      expect(messages.length).toBe(mine.length);
      // each append answered the position its entry has
      const seqOf = new Map(messages.map((e) => [e.message.msgId, e.seq]));
      for (const s of mine) expect(seqOf.get(s.msgId), `${groupId} ${s.msgId}`).toBe(s.seq);
      // every member's conversation row names the group's last message
      const last = messages.at(-1)!.message.msgId;
      for (const u of USERS) {
        const row = (await nodes[0]!.conversations(u, undefined, 100)).find((c) => c.id === groupId);
        expect(row?.last?.msgId, `${u} ${groupId}`).toBe(last);
      }
    }
  }, 60_000);
});

describe('PostgresStore groups and conversation list', () => {
  it('fills the conversation list from the 1:1 messages of a version 1 schema', async () => {
    const schema = freshSchema();
    await pgQuery(`CREATE SCHEMA "${schema}"`);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    onCleanup(() => client.end());
    await client.query(`SET search_path TO "${schema}"`);
    await client.query(
      'CREATE TABLE parley_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    await client.query(MIGRATIONS[0]!);
    await client.query(`
      INSERT INTO parley_schema (version) VALUES (1);
      INSERT INTO users (id, name, created_ms, seq_head) VALUES ('a', 'A', 0, 5), ('b', 'B', 0, 3);
      INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms) VALUES
        (1, 'a', 'b', 0, 'one', 'd1', 2, 10), (2, 'a', 'b', 0, 'two', 'd2', 1, 20),
        (3, 'b', 'a', 0, 'three', 'd3', 1, 30), (4, 'a', 'a', 0, 'note', 'd4', 1, 40),
        (5, 'a', 'a', 0, 'note', 'd5', 1, 50);
      INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming) VALUES
        ('a', 1, 1, 'b', FALSE), ('b', 1, 1, 'a', TRUE), ('a', 2, 2, 'b', FALSE), ('b', 2, 2, 'a', TRUE),
        ('a', 3, 3, 'b', TRUE), ('b', 3, 3, 'a', FALSE), ('a', 4, 4, 'a', TRUE), ('a', 5, 5, 'a', TRUE);
    `);
    const store = await pgStore(schema);
    const brief = async (u: string) =>
      (await store.conversations(u, undefined, 10)).map((c) => [c.id, c.unread, c.lastMs, c.last?.msgId]);
    // b read the first message only; a read nothing from b; notes to oneself are never unread
    expect(await brief('b')).toEqual([['a', 1, 30, 3]]);
    expect(await brief('a')).toEqual([
      ['a', 0, 50, 5],
      ['b', 1, 30, 3],
    ]);
  });

  it('answers the conversation list and group reads from indexes, never by scanning or sorting a table', async () => {
    const schema = freshSchema();
    await pgStore(schema);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    onCleanup(() => client.end());
    await client.query(`SET search_path TO "${schema}"`);
    // enough rows (3000 conversations per active user, 30 members per group, a group with 30000
    // entries) that a sequential scan or a sort would cost more than an index: the planner's own choice
    await client.query(`
      INSERT INTO users (id, name, created_ms) SELECT 'u' || i, 'U' || i, 0 FROM generate_series(1, 20000) i;
      INSERT INTO groups (id, name, owner_id, member_count, seq_head, created_ms)
        SELECT '~g' || i, 'G' || i, 'u' || i, 30, 30, i FROM generate_series(1, 2000) i;
      INSERT INTO group_members (group_id, user_id, role, joined_seq, read_seq, delivered_seq)
        SELECT '~g' || (i % 2000 + 1), 'u' || (i / 2000 * 600 + i % 600 + 1), 2, 0, i % 30, i % 30
        FROM generate_series(0, 59999) i ON CONFLICT DO NOTHING;
      INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms)
        SELECT i, 'u' || (i % 20 + 1), '~g' || (i % 2000 + 1), 0, 'body', 'd', 1, i FROM generate_series(1, 60000) i;
      INSERT INTO group_timeline (group_id, seq, kind, actor_id, msg_id, data, time_ms)
        SELECT CASE WHEN i <= 30000 THEN '~g5' ELSE '~h' || (i % 2000 + 1) END,
               CASE WHEN i <= 30000 THEN i ELSE i / 2000 END, i % 3, 'u' || (i % 20 + 1), i, NULL, i
        FROM generate_series(1, 60000) i;
      INSERT INTO conversations (user_id, conv_id, last_ms, last_msg_id, unread, read_seq)
        SELECT 'u' || (i % 20 + 1), CASE WHEN i % 2 = 0 THEN 'u' || (i + 100) ELSE '~g' || (i % 2000 + 1) END,
               i / 7, i, i % 5, 0
        FROM generate_series(1, 60000) i ON CONFLICT DO NOTHING;
      INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming)
        SELECT 'u' || (i % 20 + 1), i, i, 'u' || ((i * 7) % 20 + 1), i % 2 = 0 FROM generate_series(1, 60000) i;
      ANALYZE;
    `);
    const params: Partial<Record<keyof typeof SQL, unknown[]>> = {
      conversations: ['u5', 1e15, '', 20],
      entries: ['~g5', 100, 1e12, 50],
      groupHistory: ['~g5', 0, 1e12, 50],
      groupMessageSeq: ['~g5', 77],
      groupsToSync: ['u5'],
      groupsOf: ['u5'],
      group: ['~g5'],
      member: ['~g5', 'u5'],
      members: ['~g5'],
      memberIds: ['~g5'],
      postingFacts: ['~g5', 'u5'],
      storeGroupMessage: ['~g5', 900001, 'u5', 0, 'b', 'd', 1],
      appendGroupEntry: ['~g5', 2, 'u5', null, '{}', 1],
      confirmMember: ['~g5', 'u5', 9],
      readMember: ['~g5', 'u5', 9],
      readGroupConversation: ['~g5', 'u5', 9, 77],
      readUserConversation: [9, 'u5', 'u6'],
      partMembers: ['~g5', ['u5', 'u6'], 9],
      countMembers: ['~g5'],
    };
    /**
     * A group's members (at most MAX_GROUP_MEMBERS; 30 here) and a user's groups are read whole and
     * may be sorted, as a contact list is; a recount of unread messages reads at most MAX_UNREAD
     * entries of one conversation (the planner may sort the few it expects); pages and timelines
     * come in index order.
     */
    const sortsFewRows = new Set([
      'members',
      'memberIds',
      'storeGroupMessage',
      'groupsOf',
      'readUserConversation',
      'readGroupConversation',
    ]);
    const tables = 'users|messages|user_timeline|groups|group_members|group_timeline|conversations';
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      await client.query(`SET plan_cache_mode = ${mode}`);
      for (const [name, values] of Object.entries(params)) {
        const { text } = SQL[name as keyof typeof SQL];
        const plan = await pgPlan(client, text, values);
        expect(plan, `${mode} ${name}`).not.toMatch(new RegExp(`Seq Scan on (${tables})\\b`));
        if (!sortsFewRows.has(name)) expect(plan, `${mode} ${name}`).not.toMatch(/Sort Key/);
        if (name === 'conversations') {
          expect(plan, `${mode} ${name}`).toMatch(
            /Index Scan Backward using conversations_by_activity on conversations/,
          );
        }
      }
    }
  });
});
