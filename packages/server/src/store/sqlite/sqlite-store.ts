import path from 'node:path';
import type { Contact } from '@parley/protocol';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { DataDirError, ensureDir } from '../../datadir/ensure-dir.js';
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
import { applyOp } from './apply-op.js';
import { Checkpointer } from './checkpointer.js';
import { ConversationBuffer, keepsRowsHeld } from './conversation-buffer.js';
import { conversationPage } from './conversation-chain.js';
import { EntryBuffer } from './entry-buffer.js';
import { toConversation, toGroup, toGroupEntry, toMember } from './group-rows.js';
import { type HeldRecovery, RECOVERED_HELD_ROWS, recoverHeldRows } from './held-recovery.js';
import { type HeldWrite, HeldWrites } from './held-writes.js';
import { IdClock } from './id-clock.js';
import { timelineEntry } from './message-writes.js';
import { SqliteOutbox } from './outbox-store.js';
import { PendingBuffer } from './pending-buffer.js';
import { RangeBuffer } from './range-buffer.js';
import { roomRecent } from './room-writes.js';
import { toEntry, toMessage } from './rows.js';
import { MIGRATIONS } from './schema.js';
import { prepareStatements, type Statements } from './statements.js';
import { UserFacts } from './user-facts.js';
import type { WriteContext } from './write-context.js';
import { ThreadedWriter } from './writer/threaded-writer.js';

export interface SqliteStoreOptions {
  /** Folder holding `parley.db`; `:memory:` for a throwaway store. */
  dataDir: string;
  /** `normal` survives a killed process; `full` also survives power loss (an fsync per commit). */
  synchronous?: 'normal' | 'full';
  /** How often a worker thread checkpoints the WAL (0: SQLite's own, inside commits). Default 250 ms. */
  checkpointIntervalMs?: number;
  /** The WAL length (pages) past which the writing connection finishes a checkpoint (see checkpointer.ts). */
  walRestartFrames?: number;
  /** Where checkpoint and writer-thread failures are reported. */
  log?: Logger;
  /**
   * Where write batches run: `thread` (the default for a file), a worker thread with a connection
   * of its own, so statements and commits run beside the event loop; `inline`, on the caller's
   * thread (always for `:memory:`, which another connection cannot open).
   */
  writer?: 'thread' | 'inline';
  /**
   * Told when opening put back timeline entries and conversation rows that a process which stopped
   * uncleanly held (held-recovery.ts); by default a warning in `log`.
   */
  onRecovered?: (recovery: HeldRecovery) => void;
}

/**
 * The embedded default Store: one SQLite file in WAL mode, written by this process only (the data
 * folder's lock). That is what lets the writer keep users' facts for the 1:1 message path in memory
 * (user-facts.ts), dropped when a batch rolls back, and hold the timeline entries and conversation
 * rows of 1:1 messages across batches (entry-buffer.ts, conversation-buffer.ts), written before
 * anything reads them.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly sql: Statements;
  /** One transaction: the operations, then the held rows that are due (or that `flush` asks for). */
  private readonly writeBatch: (ops: readonly WriteOp[], flush: HeldWrite) => WriteResult[];
  /** The writer's in-memory state (user facts, held rows and entries), dropped on rollback. */
  private readonly w: WriteContext;
  /** The webhook outbox, written by the batches (see outbox.ts). */
  readonly outbox: SqliteOutbox;
  private readonly checkpointer: Checkpointer | undefined;
  /** The checkpoint thread reported a long WAL, and this connection has not finished a checkpoint since. */
  private walLong = false;
  private readonly log: Logger | undefined;
  /** The writer thread, when batches run there (see `SqliteStoreOptions.writer`). */
  private readonly writer: ThreadedWriter | undefined;
  /**
   * The writer thread holds rows or entries that the database does not have yet, as its last
   * answer said (not known before its first: it may be folding rows in after a crash).
   */
  private threadHoldsRows = true;
  /** When this (writing) connection writes the rows it holds in memory. */
  private readonly held: HeldWrites;

  constructor(opts: SqliteStoreOptions) {
    const file = opts.dataDir === ':memory:' ? ':memory:' : path.join(opts.dataDir, 'parley.db');
    if (file !== ':memory:') ensureDir(opts.dataDir);
    try {
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
    } catch (err) {
      throw new DataDirError(`${file}: ${(err as Error).message}`);
    }
    this.db.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.log = opts.log;
    this.migrate();
    this.sql = prepareStatements(this.db);
    const interval = opts.checkpointIntervalMs ?? 250;
    if (file !== ':memory:' && opts.writer !== 'inline') {
      // the writer thread's own (inline) store owns the checkpoints; this connection only reads
      this.writer = new ThreadedWriter(
        { dir: opts.dataDir, synchronous: opts.synchronous ?? 'normal', checkpointIntervalMs: interval },
        opts.log,
      );
      this.writer.start(); // its start (loading modules, opening the file) overlaps the server's
    }
    this.outbox = new SqliteOutbox(this.db, this.writer);
    if (file !== ':memory:' && interval > 0 && !this.writer) {
      this.db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = new Checkpointer(file, interval, opts.log, opts.walRestartFrames, () => {
        this.walLong = true;
        this.finishCheckpoint();
      });
    }
    const pending = new PendingBuffer();
    const entries = new EntryBuffer();
    this.w = {
      sql: this.sql,
      users: new UserFacts(this.sql, pending, entries),
      convs: new ConversationBuffer(),
      pending,
      entries,
      ranges: new RangeBuffer(),
      idClock: new IdClock(),
    };
    this.held = new HeldWrites(this.w, () => this.writeAged());
    this.writeBatch = this.db.transaction((ops: readonly WriteOp[], flush: HeldWrite) => {
      this.held.begin();
      const results = ops.map((op) => {
        if (!keepsRowsHeld(op)) this.held.write('all');
        return this.outbox.capture(op, applyOp(this.db, this.w, op));
      });
      this.held.end(flush);
      return results;
    }).immediate;
    if (!this.writer) {
      const done = recoverHeldRows(this.db, this.w);
      if (done) (opts.onRecovered ?? ((r) => this.log?.warn(r, RECOVERED_HELD_ROWS)))(done);
      this.held.markFromId();
    }
  }

  /**
   * Checkpoints what the checkpoint thread has not copied yet, on this (the writing) connection
   * between two batches, so that the next commit restarts the WAL (see checkpointer.ts). PASSIVE:
   * it never waits; while the checkpoint thread is in a pass (busy), the next batch tries again.
   */
  private finishCheckpoint(): void {
    try {
      const [r] = this.db.pragma('wal_checkpoint(PASSIVE)') as { busy: number }[];
      this.walLong = r?.busy === 1;
    } catch (err) {
      this.walLong = false; // the checkpoint thread's next report tries again
      this.log?.warn({ err }, 'WAL checkpoint on the writer failed; the log restarts after a later one');
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db
        .transaction(() => {
          this.db.exec(MIGRATIONS[v]!);
          this.db.pragma(`user_version = ${v + 1}`);
        })
        .immediate();
    }
  }

  /** With the writer thread, the next batch goes out while one is being written. */
  get pipelineDepth(): number {
    return this.writer ? 2 : 1;
  }

  /** Resolves once the writer thread (if any) has opened the database and takes writes. */
  async opened(): Promise<void> {
    await this.writer?.call({ kind: 'ping' });
  }

  async write(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    if (this.writer) {
      // a batch that fails may have committed before the thread died: not known until it answers again
      this.threadHoldsRows = true;
      const reply = await this.writer.write(ops, this.outbox.batchNow());
      this.threadHoldsRows = reply.holdsRows;
      if (reply.wroteEvents) this.outbox.eventsCommitted();
      return reply.results;
    }
    return this.commit(ops, 'none');
  }

  /** Runs a batch on this connection (the writing one). */
  private commit(ops: readonly WriteOp[], flush: HeldWrite): WriteResult[] {
    this.w.users.trim();
    let results: WriteResult[];
    try {
      results = this.writeBatch(ops, flush);
    } catch (err) {
      // rolled back: what the writer remembered of this batch is not in the database
      this.w.users.clear();
      this.held.rolledBack();
      throw err;
    }
    this.held.committed();
    this.outbox.settled();
    if (this.walLong) this.finishCheckpoint();
    return results;
  }

  /** The hold timer: writes the held rows that are due when no batch did (a server gone quiet). */
  private writeAged(): void {
    if (!this.db.open) return;
    try {
      this.commit([], 'timed');
    } catch (err) {
      // they stay held: the next batch, read or close writes them, or the next start folds them in
      this.log?.error(
        { err },
        'writing the held rows (timeline entries, conversations, pending messages, used ids) failed',
      );
    }
  }

  /** The write-ahead log's file (none for `:memory:`). */
  get walFile(): string | undefined {
    return this.db.memory ? undefined : `${this.db.name}-wal`;
  }

  /** Whether this (writing) connection holds conversation or pending rows the database does not have yet. */
  get holdsRows(): boolean {
    return this.held.holding;
  }

  /**
   * Writes the conversation and pending rows and the timeline entries held in memory
   * (conversation-buffer.ts, pending-buffer.ts, entry-buffer.ts), on the writer thread if there is
   * one; the reads of those rows and of timelines call it first.
   */
  async flushHeld(): Promise<void> {
    if (this.writer) {
      if (!this.threadHoldsRows) return;
      await this.writer.call({ kind: 'flushHeld' });
      this.threadHoldsRows = false;
    } else if (this.holdsRows) this.commit([], 'all');
  }

  async getUser(id: string): Promise<User | undefined> {
    return this.sql.getUser.get(id);
  }

  async listUsers(after: string | undefined, limit: number): Promise<User[]> {
    return this.sql.listUsers.all(after ?? '', limit);
  }

  async getContacts(userId: string): Promise<Contact[]> {
    return this.sql.contacts.all(userId);
  }

  async isContact(userId: string, contactId: string): Promise<boolean> {
    return this.sql.isContact.get(userId, contactId) !== undefined;
  }

  async getMessage(msgId: number): Promise<StoredMessage | undefined> {
    const row = this.sql.messageById.get(msgId);
    return row && toMessage(row);
  }

  async history(q: HistoryQuery): Promise<TimelineEntry[] | 'unknown_base'> {
    await this.flushHeld(); // the user's newest entries may be held; a walk starts at the row
    const base = q.beforeMsgId === undefined ? undefined : timelineEntry(this.sql, q.userId, q.beforeMsgId);
    if (q.beforeMsgId !== undefined && !base) return 'unknown_base';
    const rows =
      q.peerId === undefined
        ? this.sql.historyAll.all(q.userId, base?.seq ?? Number.MAX_SAFE_INTEGER, q.limit)
        : conversationPage(this.sql, q.userId, q.peerId, base, q.limit);
    return rows.map(toEntry);
  }

  async pendingMessages(userId: string, afterSeq: number, limit: number): Promise<TimelineEntry[]> {
    await this.flushHeld();
    return this.sql.pendingMessages.all(userId, afterSeq, limit).map(toEntry);
  }

  async inboxSince(userId: string, afterSeq: number, limit: number): Promise<TimelineEntry[]> {
    await this.flushHeld();
    return this.sql.inboxSince.all(userId, afterSeq, limit).reverse().map(toEntry);
  }

  async receivedBetween(
    userId: string,
    afterSeq: number,
    beforeSeq: number,
    limit: number,
  ): Promise<TimelineEntry[]> {
    await this.flushHeld();
    return this.sql.receivedBetween.all(userId, afterSeq, beforeSeq, limit).map(toEntry);
  }

  async seqHead(userId: string): Promise<number> {
    await this.flushHeld();
    return this.sql.seqHead.get(userId, userId)?.seq ?? 0;
  }

  async pendingNotices(userId: string, afterId: number, limit: number): Promise<Notice[]> {
    return this.sql.pendingNotices.all(userId, afterId, limit);
  }

  async noticesSince(userId: string, afterId: number, limit: number): Promise<Notice[]> {
    return this.sql.noticesSince.all(userId, afterId, limit).reverse();
  }

  async blockedUsers(userId: string): Promise<string[]> {
    return this.sql.blockedUsers.all(userId).map((r) => r.blocked_id);
  }

  async isBlocked(userId: string, otherId: string): Promise<boolean> {
    return this.sql.isBlocked.get(userId, otherId) !== undefined;
  }

  async getGroup(groupId: string): Promise<GroupRecord | undefined> {
    const row = this.sql.group.get(groupId);
    return row && toGroup(row);
  }

  async groupMembers(groupId: string): Promise<MemberRecord[]> {
    return this.sql.members.all(groupId).map(toMember);
  }

  async groupMember(groupId: string, userId: string): Promise<MemberRecord | undefined> {
    const row = this.sql.member.get(groupId, userId);
    return row && toMember(row);
  }

  async groupsOf(userId: string): Promise<GroupRecord[]> {
    return this.sql.groupsOf.all(userId).map(toGroup);
  }

  async groupsToSync(userId: string): Promise<{ groupId: string; deliveredSeq: number; endSeq: number }[]> {
    return this.sql.groupsToSync.all(userId).map((r) => ({
      groupId: r.group_id,
      deliveredSeq: r.delivered_seq,
      endSeq: r.end_seq,
    }));
  }

  async groupEntries(
    groupId: string,
    afterSeq: number,
    throughSeq: number,
    limit: number,
  ): Promise<GroupEntry[]> {
    return this.sql.entries.all(groupId, afterSeq, throughSeq, limit).map((r) => toGroupEntry(groupId, r));
  }

  async groupHistory(
    groupId: string,
    afterSeq: number,
    beforeSeq: number,
    limit: number,
  ): Promise<GroupEntry[]> {
    return this.sql.history.all(groupId, afterSeq, beforeSeq, limit).map((r) => toGroupEntry(groupId, r));
  }

  async groupMessageSeq(groupId: string, msgId: number): Promise<number | undefined> {
    return this.sql.messageSeq.get(groupId, msgId)?.seq;
  }

  async conversations(
    userId: string,
    before: ConversationCursor | undefined,
    limit: number,
  ): Promise<ConversationRecord[]> {
    await this.flushHeld();
    const rows = this.sql.conversations.all(
      userId,
      before?.lastMs ?? Number.MAX_SAFE_INTEGER,
      before?.id ?? '',
      limit,
    );
    return rows.map(toConversation);
  }

  async tokensValidFrom(userId: string): Promise<number> {
    return this.sql.tokensValidFrom.get(userId)?.valid_from_ms ?? 0;
  }

  async membershipsOf(userId: string): Promise<{ groupId: string; leftSeq: number | undefined }[]> {
    return this.sql.membershipsOf
      .all(userId)
      .map((r) => ({ groupId: r.group_id, leftSeq: r.left_seq ?? undefined }));
  }

  async filesOf(owner: string, limit: number): Promise<FileRecord[]> {
    return this.sql.filesOf.all(owner, limit).map(toFile);
  }

  async filesBefore(beforeMs: number, limit: number): Promise<FileRecord[]> {
    return this.sql.filesBefore.all(beforeMs, limit).map(toFile);
  }

  async roomRecent(roomId: string, limit: number): Promise<RoomMessage[]> {
    return roomRecent(this.db, roomId, limit);
  }

  async close(): Promise<void> {
    await this.writer?.close();
    this.held.stop();
    if (!this.writer && this.db.open && this.held.unwritten) {
      try {
        this.commit([], 'all');
      } catch (err) {
        this.log?.error({ err }, 'writing the held rows failed; the next start folds them in');
      }
    }
    this.held.stop();
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close(); // the last connection checkpoints what is left
  }
}
