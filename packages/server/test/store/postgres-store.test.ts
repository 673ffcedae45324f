import net, { type AddressInfo } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SCHEMA_VERSION } from '../../src/store/postgres/schema/migrate.js';
import { SQL } from '../../src/store/postgres/statements.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store, TimelineEntry, WriteOp } from '../../src/store/store.js';
import { freshSchema, PG_URL, pgQuery, pgStore } from '../helpers/postgres.js';
import { pgPlan } from '../helpers/query-plans.js';
import { onCleanup } from '../helpers/test-server.js';
import { describeConversationContract } from './conversation-contract.js';
import { describeGroupContract } from './group-contract.js';
import { describeGroupMessageContract } from './group-message-contract.js';
import { describeSocialContract } from './social-contract.js';
import { describeStoreContract } from './store-contract.js';
import { reserveIds, reserveOp } from './write-ops.js';

describeStoreContract('postgres', () => pgStore());
describeSocialContract('postgres', () => pgStore());
describeGroupContract('postgres', () => pgStore());
describeGroupMessageContract('postgres', () => pgStore());
describeConversationContract('postgres', () => pgStore());

describe('PostgresStore with several nodes', () => {
  it('keeps every timeline gap-free when two nodes append between the same users at once', async () => {
    const schema = freshSchema();
    const nodes = [await pgStore(schema), await pgStore(schema)];
    const users = ['a', 'b', 'c'];
    await nodes[0]!.write(users.map((id) => ({ kind: 'upsertUser', userId: id, name: id, timeMs: 0 })));
    // each worker sends batches in both directions between the same users, and confirms some
    const pairs = [
      ['a', 'b'],
      ['b', 'a'],
      ['a', 'c'],
      ['c', 'b'],
      ['b', 'c'],
      ['c', 'a'],
    ] as const;
    const batches = 15;
    const perBatch = 6;
    const started = performance.now();
    const worker = async (store: Store, w: number) => {
      let sent = 0;
      for (let b = 0; b < batches; b++) {
        const ids = await reserveIds(store, users[w % 3]!, perBatch);
        const ops: WriteOp[] = ids.map((msgId, i) => {
          const [fromId, toId] = pairs[(w + b + i) % pairs.length]!;
          return {
            kind: 'append',
            msgId,
            fromId: users[w % 3]!,
            toId: fromId === users[w % 3] ? toId : fromId,
            type: 0,
            body: `w${w} b${b} m${i}`,
            timeMs: b,
            validFromMs: 0,
            maxPending: 1_000_000,
          };
        });
        // the same batch also confirms what its recipient got so far: more cross-user writes
        ops.push({ kind: 'confirmThrough', userId: users[(w + b) % 3]!, seq: b });
        const results = await store.write(ops);
        for (const r of results.slice(0, perBatch)) expect(r).toMatchObject({ outcome: 'stored' });
        sent += perBatch;
      }
      return sent;
    };
    const workers = 4;
    const sent = await Promise.all(
      nodes.flatMap((node, n) => Array.from({ length: workers }, (_, w) => worker(node, n * workers + w))),
    );
    const total = sent.reduce((x, y) => x + y, 0);
    const ms = performance.now() - started;
    console.log(`postgres: ${total} appends from 2 nodes x ${workers} writers in ${ms.toFixed(0)} ms`);

    const timelines = new Map<string, TimelineEntry[]>();
    for (const u of users) {
      const page = (await nodes[1]!.history({ userId: u, limit: 10_000 })) as TimelineEntry[];
      timelines.set(u, page.reverse());
    }
    let entries = 0;
    for (const [u, tl] of timelines) {
      // exactly 1..N, each message once
      expect(
        tl.map((e) => e.seq),
        u,
      ).toEqual(Array.from({ length: tl.length }, (_, i) => i + 1));
      expect(new Set(tl.map((e) => e.msgId)).size, u).toBe(tl.length);
      entries += tl.length;
      const head = await pgQuery<{ seq_head: number }>(
        `SELECT seq_head::int AS seq_head FROM "${schema}".users WHERE id = $1`,
        [u],
      );
      expect(head[0]!.seq_head, u).toBe(tl.length);
    }
    expect(entries).toBe(2 * total); // no note to oneself: one entry each side
    // the pending counts match the pending rows (raised by appends, lowered by the trigger)
    const counts = await pgQuery<{ user_id: string; n: number; rows: number }>(
      `SELECT c.user_id, c.n, (SELECT COUNT(*)::int FROM "${schema}".pending p WHERE p.user_id = c.user_id) AS rows
       FROM "${schema}".pending_counts c ORDER BY c.user_id`,
    );
    expect(counts.map((c) => c.user_id)).toEqual(users);
    for (const c of counts) expect(c.n, c.user_id).toBe(c.rows);
    for (const u of users) {
      const pending = await nodes[0]!.pendingMessages(u, 0, 10_000);
      expect(pending.length).toBe(counts.find((c) => c.user_id === u)!.n);
    }
  });

  it('never hands out the same id twice when two nodes reserve at once', async () => {
    const schema = freshSchema();
    const nodes = [await pgStore(schema), await pgStore(schema)];
    const users = ['a', 'b', 'c', 'd'];
    await nodes[0]!.write(users.map((id) => ({ kind: 'upsertUser', userId: id, name: id, timeMs: 0 })));
    const worker = async (store: Store, w: number) => {
      const got: number[] = [];
      for (let i = 0; i < 20; i++) {
        // batches of several reserves, some for the same user on both nodes
        const results = await store.write([reserveOp(users[w % 4]!, 10), reserveOp(users[(w + i) % 4]!, 3)]);
        for (const r of results) got.push(...(r as { ids: number[] }).ids);
      }
      return got;
    };
    const all = (
      await Promise.all(nodes.flatMap((node, n) => [0, 1, 2, 3].map((w) => worker(node, n * 4 + w))))
    ).flat();
    expect(all.length).toBe(8 * 20 * 13);
    expect(new Set(all).size).toBe(all.length);
    const held = await pgQuery<{ n: number }>(`SELECT COUNT(*)::int AS n FROM "${schema}".reservations`);
    expect(held[0]!.n).toBe(all.length);
  });

  it('migrates a fresh schema once when three nodes start at the same time', async () => {
    const schema = freshSchema();
    const stores = [0, 1, 2].map(() => new PostgresStore({ connectionString: PG_URL, schema }));
    for (const s of stores) onCleanup(() => s.close());
    await Promise.all(stores.map((s) => s.start()));
    const versions = await pgQuery<{ version: number }>(
      `SELECT version FROM "${schema}".parley_schema ORDER BY version`,
    );
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    // every node works on the result, and a restart finds nothing to do
    await stores[0]!.write([{ kind: 'upsertUser', userId: 'a', name: 'A', timeMs: 0 }]);
    expect(await stores[2]!.getUser('a')).toEqual({ id: 'a', name: 'A' });
    const again = await pgStore(schema);
    expect(await again.getUser('a')).toEqual({ id: 'a', name: 'A' });
  });

  it('refuses a schema written by a newer Parley', async () => {
    const schema = freshSchema();
    await pgStore(schema);
    await pgQuery(`INSERT INTO "${schema}".parley_schema (version) VALUES ($1)`, [SCHEMA_VERSION + 1]);
    const store = new PostgresStore({ connectionString: PG_URL, schema });
    onCleanup(() => store.close());
    await expect(store.start()).rejects.toThrow(/newer than this Parley knows/);
  });

  it('fails at once, naming the server, when the database cannot be reached', async () => {
    const started = Date.now();
    await expect(
      PostgresStore.open({
        connectionString: 'postgres://parley:secret@127.0.0.1:1/nowhere',
        connectTimeoutMs: 2000,
      }),
    ).rejects.toThrow(/cannot connect to PostgreSQL at 127\.0\.0\.1:1\/nowhere/);
    // a server that accepts and never answers: the connect timeout bounds the wait
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    onCleanup(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((r) => silent.close(r));
    });
    const { port } = silent.address() as AddressInfo;
    await expect(
      PostgresStore.open({
        connectionString: `postgres://parley@127.0.0.1:${port}/x`,
        connectTimeoutMs: 300,
      }),
    ).rejects.toThrow(new RegExp(`cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}/x: .*timeout`));
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rolls a failed batch back entirely, answers nothing, and keeps the pool usable', async () => {
    const store = await pgStore(undefined, { poolSize: 1 });
    await store.write([{ kind: 'upsertUser', userId: 'a', name: 'A', timeMs: 0 }]);
    const [id] = await reserveIds(store, 'a', 1);
    const bad: WriteOp = {
      kind: 'append',
      msgId: 2 ** 64, // out of BIGINT range: the database refuses the statement
      fromId: 'a',
      toId: 'a',
      type: 0,
      body: 'x',
      timeMs: 0,
      validFromMs: 0,
      maxPending: 9,
    };
    const good: WriteOp = { ...bad, msgId: id! } as WriteOp;
    await expect(
      store.write([{ kind: 'upsertUser', userId: 'z', name: 'Z', timeMs: 0 }, good, bad]),
    ).rejects.toThrow(/out of range/);
    expect(await store.getUser('z')).toBeUndefined();
    expect(await store.getMessage(id!)).toBeUndefined();
    // the one connection went back clean: the same append now stores
    expect((await store.write([good]))[0]).toMatchObject({ outcome: 'stored', message: { seq: 1 } });
  });

  it('runs a batch again when the database picks it as a deadlock victim', async () => {
    const schema = freshSchema();
    const store = await pgStore(schema);
    await store.write(
      ['a', 'b'].map((id) => ({ kind: 'upsertUser', userId: id, name: id, timeMs: 0 }) as const),
    );
    const [id] = await reserveIds(store, 'a', 1);
    // another session holds b; the batch locks a, then waits for b; the session then wants a
    const other = new pg.Client({ connectionString: PG_URL });
    await other.connect();
    onCleanup(() => other.end());
    await other.query(`SET search_path TO "${schema}"`);
    await other.query('BEGIN');
    await other.query("SELECT id FROM users WHERE id = 'b' FOR UPDATE");
    const op: WriteOp = {
      kind: 'append',
      msgId: id!,
      fromId: 'a',
      toId: 'b',
      type: 0,
      body: 'x',
      timeMs: 0,
      validFromMs: 0,
      maxPending: 9,
    };
    const written = store.write([op]);
    await new Promise((r) => setTimeout(r, 200)); // the batch now waits for b, holding a
    const otherDone = other
      .query("SELECT id FROM users WHERE id = 'a' FOR UPDATE")
      .then(() => other.query('COMMIT'))
      .catch(async (err: Error) => {
        await other.query('ROLLBACK');
        return err;
      });
    expect((await written)[0]).toMatchObject({ outcome: 'stored', message: { seq: 1 } });
    // the batch waited first, so its deadlock check ran first: it was the victim, ran again, stored once
    expect(await otherDone).not.toBeInstanceOf(Error);
    expect(store.retriedBatches).toBe(1);
    const entries = await store.history({ userId: 'b', limit: 10 });
    expect((entries as TimelineEntry[]).map((e) => e.seq)).toEqual([1]);
  });

  it('stores text with U+0000 (which PostgreSQL text refuses) exactly as SQLite does', async () => {
    const tricky = ['x\u0000y', '\u0001~json:"not json', '\u0000', 'plain'];
    const run = async (store: Store) => {
      const out: unknown[] = [];
      for (const [i, text] of tricky.entries()) {
        await store.write([{ kind: 'upsertUser', userId: `u${i}`, name: text, timeMs: 0 }]);
        const [id] = await reserveIds(store, `u${i}`, 1);
        const m = {
          msgId: id!,
          fromId: `u${i}`,
          toId: `u${i}`,
          type: 0 as const,
          body: text,
        };
        out.push(await store.write([{ kind: 'append', ...m, timeMs: i, validFromMs: 0, maxPending: 9 }]));
        out.push(await store.write([{ kind: 'append', ...m, timeMs: i, validFromMs: 0, maxPending: 9 }])); // retry
        out.push(await store.getMessage(id!), await store.history({ userId: `u${i}`, limit: 5 }));
        out.push(await store.getUser(`u${i}`), await store.pendingMessages(`u${i}`, 0, 5));
        const request = {
          kind: 'friendRequest' as const,
          fromId: `u${i}`,
          toId: 'u0',
          message: text,
          timeMs: i,
          notice: text,
          maxPending: 9,
          rejectedBeforeMs: 0,
        };
        if (i > 0) out.push(await store.write([request]), await store.write([request]));
        await store.write([{ kind: 'setContacts', userId: 'u0', contactIds: [`u${i}`] }]);
        out.push(await store.getContacts('u0'));
      }
      out.push(await store.pendingNotices('u0', 0, 10), await store.listUsers(undefined, 10));
      return out;
    };
    const sqlite = new SqliteStore({ dataDir: ':memory:' });
    onCleanup(() => sqlite.close());
    const expected = await run(sqlite);
    expect(JSON.stringify(expected)).toContain('x\\u0000y');
    expect(await run(await pgStore())).toEqual(expected);
  });

  it('answers history pages, backlogs and rule reads from indexes, never by scanning or sorting', async () => {
    const schema = freshSchema();
    await pgStore(schema);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    onCleanup(() => client.end());
    await client.query(`SET search_path TO "${schema}"`);
    // enough rows (3000 per active user) that a sequential scan or a sort would cost more than an
    // index: the planner's own choice, no enable_seqscan = off
    await client.query(`
      INSERT INTO users (id, name, created_ms) SELECT 'u' || i, 'U' || i, 0 FROM generate_series(1, 50000) i;
      INSERT INTO messages (msg_id, from_id, to_id, type, body, digest, status, time_ms)
        SELECT i, 'u' || (i % 20 + 1), 'u' || ((i * 7) % 20 + 1), 0, 'body', 'd', 1, i
        FROM generate_series(1, 60000) i;
      INSERT INTO user_timeline (user_id, seq, msg_id, peer_id, incoming)
        SELECT 'u' || (i % 20 + 1), i, i, 'u' || ((i * 7) % 20 + 1), i % 2 = 0 FROM generate_series(1, 60000) i;
      INSERT INTO pending (user_id, seq, msg_id)
        SELECT 'u' || (i % 20 + 1), i, i FROM generate_series(1, 60000, 3) i;
      INSERT INTO notices (user_id, frame) SELECT 'u' || (i % 20 + 1), '{}' FROM generate_series(1, 60000) i;
      INSERT INTO reservations (msg_id, user_id, reserved_ms)
        SELECT 100000 + i, 'u' || (i % 20 + 1), i FROM generate_series(1, 60000) i;
      INSERT INTO friend_requests (from_id, to_id, message, time_ms, status)
        SELECT 'u' || (i % 20 + 1), 'u' || ((i * 13) % 1999 + 1), 'hi', i, i % 3 FROM generate_series(1, 60000) i
        ON CONFLICT DO NOTHING;
      INSERT INTO contacts (user_id, contact_id, position)
        SELECT 'u' || (i % 600 + 1), 'u' || ((i * 17) % 1999 + 1), i FROM generate_series(1, 60000) i
        ON CONFLICT DO NOTHING;
      ANALYZE;
    `);
    const params: Partial<Record<keyof typeof SQL, unknown[]>> = {
      historyAll: ['u5', 1e12, 50],
      historyWith: ['u5', 'u36', 1e12, 50],
      inboxSince: ['u5', 0, 50],
      receivedBetween: ['u5', 100, 120, 50], // a gap is a few positions wide
      seqHead: ['u5'],
      pendingMessages: ['u5', 0, 50],
      pendingNotices: ['u5', 0, 50],
      messageById: [77],
      entrySeq: ['u5', 77],
      reservationCount: ['u5'],
      dropExpiredReservationsOf: ['u5', 100],
      takeReservation: [100077, 'u5', 'u6'],
      isReserved: [100077],
      purgeReservations: [100, 100],
      pendingFriendRequestCount: ['u5'],
      friendRequest: ['u5', 'u6'],
      deletePending: ['u5', 10],
      deletePendingThrough: ['u5', 10],
      contacts: ['u5'],
      isContact: ['u5', 'u6'],
      getUser: ['u5'],
      listUsers: ['u5', 100],
      lockUsers: [['u5', 'u6']],
      takeReservations: [
        [100077, 100078],
        ['u5', 'u5'],
        ['u6', 'u7'],
      ],
      storeMessages: [[200001], ['u5'], ['u6'], [0], ['b'], ['d'], [1]],
      reserveAtOnce: ['u5', 100, 1, 3, 50],
      confirmMany: [
        ['u5', 'u5'],
        [77, 78],
      ],
    };
    /**
     * Set-based runs sort their own rows (a batch's worth) into op order, and the user locks sort the
     * batch's users into id order (the planner may pick a bitmap scan and a sort of those few rows
     * for the generic plan, or walk the index in order); the tables are read by index either way.
     */
    const sortsItsRun = new Set([
      'contacts',
      'takeReservations',
      'storeMessages',
      'confirmMany',
      'lockUsers',
    ]);
    const tables = 'users|messages|user_timeline|pending|notices|reservations|friend_requests|contacts';
    // both the plan for the values at hand and the generic plan a prepared statement may switch to
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      await client.query(`SET plan_cache_mode = ${mode}`);
      for (const [name, values] of Object.entries(params)) {
        const { text } = SQL[name as keyof typeof SQL];
        const plan = await pgPlan(client, text, values);
        expect(plan, `${mode} ${name}`).not.toMatch(new RegExp(`Seq Scan on (${tables})\\b`));
        // a contact list is read whole (about 100 here): sorting it is fine; pages come in index order
        if (!sortsItsRun.has(name)) expect(plan, `${mode} ${name}`).not.toMatch(/Sort Key/);
      }
    }
  });
});
