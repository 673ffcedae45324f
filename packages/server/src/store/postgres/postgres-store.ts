import type { Contact } from '@parley/protocol';
import pg from 'pg';
import type { FileRecord } from '../admin.js';
import type {
  ConversationCursor,
  ConversationRecord,
  GroupEntry,
  GroupRecord,
  MemberRecord,
} from '../groups.js';
import type { RoomMessage } from '../rooms.js';
import type {
  HistoryQuery,
  Notice,
  Store,
  StoredMessage,
  TimelineEntry,
  User,
  WriteOp,
  WriteResult,
} from '../store.js';
import { toFile } from './admin-writes.js';
import { applyEach, applyRuns } from './apply-ops.js';
import { DatabaseStartError, describeServer, sessionUrl } from './connection-url.js';
import * as groupReads from './group-reads.js';
import { groupsTouched, usersTouched } from './locks.js';
import { PgOutbox } from './outbox-store.js';
import { lockRooms, roomRecent } from './room-writes.js';
import { toEntry, toMessage } from './rows.js';
import { migrate, SCHEMA_NAME } from './schema/migrate.js';
import { type Db, SQL, type Stmt } from './statements.js';
import { fromDb } from './text.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq-style parameters work too). */
  connectionString: string;
  /** The schema holding Parley's tables, created when missing (default `public`). */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** How long to wait for a connection before failing (default 10 s): never a hang at start. */
  connectTimeoutMs?: number;
  /** Errors of idle pooled connections (the database restarted, ...): they are replaced on demand. */
  onIdleError?: (err: Error) => void;
  /**
   * A connection of this store that sits inside a transaction doing nothing for this long (its node
   * hangs, a VM is paused) is ended by the database, so the user rows it locked do not hold up the
   * other nodes (default 15 s).
   */
  idleInTransactionTimeoutMs?: number;
  /** A statement running (or waiting for a lock) longer than this fails (default 30 s). */
  statementTimeoutMs?: number;
  /**
   * Applies runs of consecutive appends or confirms with set-based statements (default true);
   * false applies every operation on its own, the reference the tests compare against.
   */
  batchRuns?: boolean;
}

export { DatabaseStartError, describeServer, sessionUrl } from './connection-url.js';

/** SQLSTATEs after which the whole batch is tried again: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

/** BIGINT (int8) columns and COUNT(*) as numbers: ids, positions and times stay below 2^53. */
const INT8 = 20;
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
} as unknown as pg.CustomTypesConfig;

/**
 * The cluster Store: PostgreSQL, shared by several Parley nodes. Each batch is one transaction on
 * one pooled connection that first locks the rows of every user it touches, in id order, then
 * those of every group it touches, in id order (`locks.ts`), so per-user and per-group counters
 * and check-then-write rules are atomic across nodes and batches cannot deadlock on each other. Ids come from a sequence. Everything lives in one schema
 * (`search_path`), migrated at start under an advisory lock.
 */
export class PostgresStore implements Store {
  readonly schema: string;
  private readonly pool: pg.Pool;
  private readonly reads: Db;
  private readonly where: string;
  private readonly batchRuns: boolean;
  /** Batches run again after a deadlock or serialization failure (for tests and metrics). */
  retriedBatches = 0;
  /** The webhook outbox, written by the batches (see outbox.ts). */
  readonly outbox: PgOutbox;
  private ready: Promise<void> | undefined;
  private closed: Promise<void> | undefined;

  /** Opens a store and migrates its schema; fails (never hangs) when the database is unreachable. */
  static async open(opts: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(opts);
    try {
      await store.start();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  constructor(opts: PostgresStoreOptions) {
    this.schema = opts.schema ?? 'public';
    if (!SCHEMA_NAME.test(this.schema)) {
      throw new DatabaseStartError(
        `database schema ${JSON.stringify(this.schema)}: use lower-case letters, digits and _ (at most 63)`,
      );
    }
    this.where = describeServer(opts.connectionString);
    this.batchRuns = opts.batchRuns ?? true;
    this.pool = new pg.Pool({
      connectionString: sessionUrl(opts.connectionString, this.schema, {
        idleInTransactionTimeoutMs: opts.idleInTransactionTimeoutMs ?? 15_000,
        statementTimeoutMs: opts.statementTimeoutMs ?? 30_000,
      }),
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      types,
    });
    this.pool.on('error', (err) => opts.onIdleError?.(err));
    this.reads = dbOn(this.pool);
    this.outbox = new PgOutbox(this.reads, {
      connectionString: opts.connectionString,
      schema: this.schema,
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
    });
  }

  /** Connects and migrates, once; every call waits for the same attempt. */
  start(): Promise<void> {
    this.ready ??= this.connectAndMigrate();
    return this.ready;
  }

  private async connectAndMigrate(): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw new DatabaseStartError(`cannot connect to PostgreSQL at ${this.where}: ${reason(err)}`);
    }
    try {
      await migrate(client, this.schema);
      client.release();
    } catch (err) {
      client.release(err as Error);
      throw new DatabaseStartError(
        `PostgreSQL at ${this.where}: preparing schema "${this.schema}" failed: ${reason(err)}`,
      );
    }
  }

  async write(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    await this.start();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writeOnce(ops);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(sqlState(err) ?? '')) throw err;
        this.retriedBatches++;
        // another node's batch won: back off a little, at random, and run the whole batch again
        await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));
      }
    }
  }

  /** One transaction: results are returned only after COMMIT succeeded. */
  private async writeOnce(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const db = dbOn(client);
      const users = usersTouched(ops);
      if (users.length > 0) await db.all(SQL.lockUsers, users);
      await lockRooms(db, ops);
      const groups = groupsTouched(ops);
      if (groups.ids.length > 0) await db.run(SQL.lockGroups, groups.ids, groups.exclusive);
      const results = this.batchRuns ? await applyRuns(db, ops) : await applyEach(db, ops);
      const events = await this.outbox.capture(db, ops, results);
      await client.query('COMMIT');
      if (events) this.outbox.settled();
      return results;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
        // an error without a SQLSTATE (a lost connection, a protocol error) leaves it suspect
        if (sqlState(err) === undefined) broken = err as Error;
      } catch (rollbackErr) {
        broken = rollbackErr as Error;
      }
      throw err;
    } finally {
      // a broken connection is destroyed, not pooled
      client.release(broken);
    }
  }

  async getUser(id: string): Promise<User | undefined> {
    await this.start();
    const user = await this.reads.get(SQL.getUser, id);
    return user && { id: user.id, name: fromDb(user.name) };
  }

  async listUsers(after: string | undefined, limit: number): Promise<User[]> {
    await this.start();
    const users = await this.reads.all(SQL.listUsers, after ?? '', limit);
    return users.map((u) => ({ id: u.id, name: fromDb(u.name) }));
  }

  async getContacts(userId: string): Promise<Contact[]> {
    await this.start();
    return (await this.reads.all(SQL.contacts, userId)).map((c) => ({ ...c, toName: fromDb(c.toName) }));
  }

  async blockedUsers(userId: string): Promise<string[]> {
    await this.start();
    return (await this.reads.all(SQL.blockedUsers, userId)).map((r) => r.blocked_id);
  }

  async isBlocked(userId: string, otherId: string): Promise<boolean> {
    await this.start();
    return (await this.reads.get(SQL.isBlocked, userId, otherId)) !== undefined;
  }

  async isContact(userId: string, contactId: string): Promise<boolean> {
    await this.start();
    return (await this.reads.get(SQL.isContact, userId, contactId)) !== undefined;
  }

  async getMessage(msgId: number): Promise<StoredMessage | undefined> {
    await this.start();
    const row = await this.reads.get(SQL.messageById, msgId);
    return row && toMessage(row);
  }

  async history(q: HistoryQuery): Promise<TimelineEntry[] | 'unknown_base'> {
    await this.start();
    let before = Number.MAX_SAFE_INTEGER;
    if (q.beforeMsgId !== undefined) {
      const base = await this.reads.get(SQL.entrySeq, q.userId, q.beforeMsgId);
      if (!base) return 'unknown_base';
      before = base.seq;
    }
    const rows =
      q.peerId === undefined
        ? await this.reads.all(SQL.historyAll, q.userId, before, q.limit)
        : await this.reads.all(SQL.historyWith, q.userId, q.peerId, before, q.limit);
    return rows.map(toEntry);
  }

  async pendingMessages(userId: string, afterSeq: number, limit: number): Promise<TimelineEntry[]> {
    await this.start();
    return (await this.reads.all(SQL.pendingMessages, userId, afterSeq, limit)).map(toEntry);
  }

  async inboxSince(userId: string, afterSeq: number, limit: number): Promise<TimelineEntry[]> {
    await this.start();
    return (await this.reads.all(SQL.inboxSince, userId, afterSeq, limit)).reverse().map(toEntry);
  }

  async receivedBetween(
    userId: string,
    afterSeq: number,
    beforeSeq: number,
    limit: number,
  ): Promise<TimelineEntry[]> {
    await this.start();
    return (await this.reads.all(SQL.receivedBetween, userId, afterSeq, beforeSeq, limit)).map(toEntry);
  }

  async seqHead(userId: string): Promise<number> {
    await this.start();
    return (await this.reads.get(SQL.seqHead, userId))?.seq ?? 0;
  }

  async pendingNotices(userId: string, afterId: number, limit: number): Promise<Notice[]> {
    await this.start();
    const notices = await this.reads.all(SQL.pendingNotices, userId, afterId, limit);
    return notices.map((n) => ({ id: n.id, frame: fromDb(n.frame) }));
  }

  async noticesSince(userId: string, afterId: number, limit: number): Promise<Notice[]> {
    await this.start();
    const notices = await this.reads.all(SQL.noticesSince, userId, afterId, limit);
    return notices.reverse().map((n) => ({ id: n.id, frame: fromDb(n.frame) }));
  }

  async roomRecent(roomId: string, limit: number): Promise<RoomMessage[]> {
    await this.start();
    return roomRecent(this.reads, roomId, limit);
  }

  async getGroup(groupId: string): Promise<GroupRecord | undefined> {
    await this.start();
    return groupReads.getGroup(this.reads, groupId);
  }

  async groupMembers(groupId: string): Promise<MemberRecord[]> {
    await this.start();
    return groupReads.groupMembers(this.reads, groupId);
  }

  async groupMember(groupId: string, userId: string): Promise<MemberRecord | undefined> {
    await this.start();
    return groupReads.groupMember(this.reads, groupId, userId);
  }

  async groupsOf(userId: string): Promise<GroupRecord[]> {
    await this.start();
    return groupReads.groupsOf(this.reads, userId);
  }

  async groupsToSync(userId: string): Promise<{ groupId: string; deliveredSeq: number; endSeq: number }[]> {
    await this.start();
    return groupReads.groupsToSync(this.reads, userId);
  }

  async groupEntries(
    groupId: string,
    afterSeq: number,
    throughSeq: number,
    limit: number,
  ): Promise<GroupEntry[]> {
    await this.start();
    return groupReads.groupEntries(this.reads, groupId, afterSeq, throughSeq, limit);
  }

  async groupHistory(
    groupId: string,
    afterSeq: number,
    beforeSeq: number,
    limit: number,
  ): Promise<GroupEntry[]> {
    await this.start();
    return groupReads.groupHistory(this.reads, groupId, afterSeq, beforeSeq, limit);
  }

  async groupMessageSeq(groupId: string, msgId: number): Promise<number | undefined> {
    await this.start();
    return groupReads.groupMessageSeq(this.reads, groupId, msgId);
  }

  async conversations(
    userId: string,
    before: ConversationCursor | undefined,
    limit: number,
  ): Promise<ConversationRecord[]> {
    await this.start();
    return groupReads.conversations(this.reads, userId, before, limit);
  }

  async tokensValidFrom(userId: string): Promise<number> {
    await this.start();
    return (await this.reads.get(SQL.tokensValidFrom, userId))?.valid_from_ms ?? 0;
  }

  async membershipsOf(userId: string): Promise<{ groupId: string; leftSeq: number | undefined }[]> {
    await this.start();
    const rows = await this.reads.all(SQL.membershipsOf, userId);
    return rows.map((r) => ({ groupId: r.group_id, leftSeq: r.left_seq ?? undefined }));
  }

  async filesOf(owner: string, limit: number): Promise<FileRecord[]> {
    await this.start();
    return (await this.reads.all(SQL.filesOf, owner, limit)).map(toFile);
  }

  async filesBefore(beforeMs: number, limit: number): Promise<FileRecord[]> {
    await this.start();
    return (await this.reads.all(SQL.filesBefore, beforeMs, limit)).map(toFile);
  }

  close(): Promise<void> {
    this.closed ??= this.pool.end();
    return this.closed;
  }
}

/** Runs named statements (prepared once per connection) on a client or the pool. */
function dbOn(q: pg.Pool | pg.PoolClient): Db {
  const exec = <P extends unknown[], R>(s: Stmt<P, R>, params: P) =>
    q.query<pg.QueryResultRow & R>({ name: s.name, text: s.text, values: params });
  return {
    all: async (s, ...params) => (await exec(s, params)).rows,
    get: async (s, ...params) => (await exec(s, params)).rows[0],
    run: async (s, ...params) => (await exec(s, params)).rowCount ?? 0,
  };
}

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function reason(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return reason(err.errors[0]);
  const e = err as { message?: unknown; code?: unknown };
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
