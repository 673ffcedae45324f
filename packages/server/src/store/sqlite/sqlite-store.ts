import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Contact } from '@parley/protocol';
import Database from 'better-sqlite3';
import { conversationKey } from '../conversation.js';
import type {
  AppendResult,
  HistoryQuery,
  NewMessage,
  Notice,
  Store,
  StoredMessage,
  User,
  WriteOp,
  WriteOps,
  WriteResult,
} from '../store.js';
import { MIGRATIONS } from './schema.js';

export interface SqliteStoreOptions {
  /** Folder holding `parley.db`; `:memory:` for a throwaway store. */
  dataDir: string;
  /** `normal` survives a killed process; `full` also survives power loss (an fsync per commit). */
  synchronous?: 'normal' | 'full';
}

interface MessageRow {
  seq: number;
  msg_id: number;
  from_id: string;
  to_id: string;
  type: number;
  body: string;
  digest: string;
  status: number;
  time_ms: number;
  recalled: number;
}

const MESSAGE_COLUMNS = 'seq, msg_id, from_id, to_id, type, body, digest, status, time_ms, recalled';

function toMessage(r: MessageRow): StoredMessage {
  return {
    seq: r.seq,
    msgId: r.msg_id,
    fromId: r.from_id,
    toId: r.to_id,
    type: r.type as StoredMessage['type'],
    body: r.body,
    status: r.status as StoredMessage['status'],
    timeMs: r.time_ms,
    recalled: r.recalled === 1,
  };
}

/** The embedded default Store: one SQLite file in WAL mode, written by this process only. */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly sql;
  private readonly writeBatch: (ops: readonly WriteOp[]) => WriteResult[];

  constructor(opts: SqliteStoreOptions) {
    const file = opts.dataDir === ':memory:' ? ':memory:' : path.join(opts.dataDir, 'parley.db');
    if (file !== ':memory:') mkdirSync(opts.dataDir, { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    const db = this.db;
    this.sql = {
      nextId: db.prepare<[number], { value: number }>(
        `UPDATE meta SET value = value + ? WHERE key = 'next_msg_id' RETURNING value`,
      ),
      reserve: db.prepare<[number, string]>('INSERT INTO reservations (msg_id, user_id) VALUES (?, ?)'),
      reservation: db.prepare<[number], { user_id: string }>(
        'SELECT user_id FROM reservations WHERE msg_id = ?',
      ),
      unreserve: db.prepare<[number]>('DELETE FROM reservations WHERE msg_id = ?'),
      messageById: db.prepare<[number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE msg_id = ?`,
      ),
      insertMessage: db.prepare<[number, string, string, string, number, string, string, number]>(
        `INSERT INTO messages (msg_id, from_id, to_id, conv, type, body, digest, status, time_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`,
      ),
      insertTimeline: db.prepare<[string, number]>('INSERT INTO timeline (user_id, seq) VALUES (?, ?)'),
      insertPending: db.prepare<[string, number]>(
        'INSERT OR IGNORE INTO pending_messages (user_id, seq) VALUES (?, ?)',
      ),
      deletePending: db.prepare<[string, number]>(
        'DELETE FROM pending_messages WHERE user_id = ? AND seq = ?',
      ),
      markRead: db.prepare<[number]>('UPDATE messages SET status = 2 WHERE seq = ? AND status < 2'),
      insertNotice: db.prepare<[string, string]>('INSERT INTO notices (user_id, frame) VALUES (?, ?)'),
      deleteNotice: db.prepare<[number, string]>('DELETE FROM notices WHERE id = ? AND user_id = ?'),
      userExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM users WHERE id = ?'),
      getUser: db.prepare<[string], User>('SELECT id, name FROM users WHERE id = ?'),
      insertUserIfMissing: db.prepare<[string, string, number]>(
        'INSERT INTO users (id, name, created_ms) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
      ),
      upsertUser: db.prepare<[string, string, number]>(
        'INSERT INTO users (id, name, created_ms) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
      ),
      listUsers: db.prepare<[string, number], User>(
        'SELECT id, name FROM users WHERE id > ? ORDER BY id LIMIT ?',
      ),
      clearContacts: db.prepare<[string]>('DELETE FROM contacts WHERE user_id = ?'),
      insertContact: db.prepare<[string, string, number]>(
        'INSERT OR IGNORE INTO contacts (user_id, contact_id, position) VALUES (?, ?, ?)',
      ),
      contacts: db.prepare<[string], Contact>(
        `SELECT c.contact_id AS toId, u.name AS toName FROM contacts c JOIN users u ON u.id = c.contact_id
         WHERE c.user_id = ? ORDER BY c.position`,
      ),
      historyAll: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS.replaceAll(/(\w+)/g, 'm.$1')} FROM timeline t JOIN messages m ON m.seq = t.seq
         WHERE t.user_id = ? AND t.seq < ? ORDER BY t.seq DESC LIMIT ?`,
      ),
      historyWith: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conv = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      ),
      pendingMessages: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS.replaceAll(/(\w+)/g, 'm.$1')} FROM pending_messages p JOIN messages m ON m.seq = p.seq
         WHERE p.user_id = ? AND p.seq > ? ORDER BY p.seq LIMIT ?`,
      ),
      pendingNotices: db.prepare<[string, number, number], Notice>(
        'SELECT id, frame FROM notices WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?',
      ),
    };
    this.writeBatch = this.db.transaction((ops: readonly WriteOp[]) =>
      ops.map((op) => this.apply(op)),
    ).immediate;
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

  async write(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    return this.writeBatch(ops);
  }

  private apply(op: WriteOp): WriteResult {
    switch (op.kind) {
      case 'reserve':
        return this.reserve(op.userId, op.count);
      case 'append':
        return this.append(op);
      case 'confirm':
        return this.confirm(op.userId, op.msgId);
      case 'read':
        return this.read(op);
      case 'noticeDone':
        this.sql.deleteNotice.run(op.noticeId, op.userId);
        return null;
    }
  }

  private reserve(userId: string, count: number): number[] {
    const end = this.sql.nextId.get(count)!.value;
    const ids: number[] = [];
    for (let id = end - count; id < end; id++) {
      this.sql.reserve.run(id, userId);
      ids.push(id);
    }
    return ids;
  }

  private append(m: NewMessage): AppendResult {
    const existing = this.sql.messageById.get(m.msgId);
    if (existing) {
      if (existing.from_id !== m.fromId) return { outcome: 'bad_id' };
      const same = existing.digest === m.digest && existing.to_id === m.toId;
      return same ? { outcome: 'retry', message: toMessage(existing) } : { outcome: 'duplicate' };
    }
    if (this.sql.reservation.get(m.msgId)?.user_id !== m.fromId) return { outcome: 'bad_id' };
    if (!this.sql.userExists.get(m.toId)) return { outcome: 'unknown_user' };
    const conv = conversationKey(m.fromId, m.toId);
    const info = this.sql.insertMessage.run(
      m.msgId,
      m.fromId,
      m.toId,
      conv,
      m.type,
      m.body,
      m.digest,
      m.timeMs,
    );
    const seq = Number(info.lastInsertRowid);
    this.sql.unreserve.run(m.msgId);
    this.sql.insertTimeline.run(m.fromId, seq);
    if (m.toId !== m.fromId) this.sql.insertTimeline.run(m.toId, seq);
    this.sql.insertPending.run(m.toId, seq);
    const message: StoredMessage = {
      seq,
      msgId: m.msgId,
      fromId: m.fromId,
      toId: m.toId,
      type: m.type,
      body: m.body,
      status: 1,
      timeMs: m.timeMs,
      recalled: false,
    };
    return { outcome: 'stored', message };
  }

  private confirm(userId: string, msgId: number): WriteOps['confirm']['result'] {
    const row = this.sql.messageById.get(msgId);
    if (!row || row.to_id !== userId) return { found: false };
    this.sql.deletePending.run(userId, row.seq);
    return { found: true };
  }

  private read(op: WriteOps['read']['op']): WriteOps['read']['result'] {
    const row = this.sql.messageById.get(op.msgId);
    if (!row || row.to_id !== op.readerId || row.from_id !== op.senderId) return { outcome: 'not_found' };
    this.sql.deletePending.run(op.readerId, row.seq);
    if (this.sql.markRead.run(row.seq).changes === 0) return { outcome: 'already' };
    const noticeId = Number(this.sql.insertNotice.run(op.senderId, op.notice).lastInsertRowid);
    return { outcome: 'read', noticeId };
  }

  async getUser(id: string): Promise<User | undefined> {
    return this.sql.getUser.get(id);
  }

  async ensureUser(id: string): Promise<User> {
    this.sql.insertUserIfMissing.run(id, id, Date.now());
    return this.sql.getUser.get(id)!;
  }

  async upsertUser(id: string, name: string): Promise<User> {
    this.sql.upsertUser.run(id, name, Date.now());
    return { id, name };
  }

  async listUsers(after: string | undefined, limit: number): Promise<User[]> {
    return this.sql.listUsers.all(after ?? '', limit);
  }

  async setContacts(userId: string, contactIds: readonly string[]): Promise<{ unknown: string[] }> {
    const unknown = [...new Set(contactIds)].filter((id) => !this.sql.userExists.get(id));
    if (unknown.length > 0) return { unknown };
    this.db
      .transaction(() => {
        this.sql.clearContacts.run(userId);
        for (const [i, id] of contactIds.entries()) this.sql.insertContact.run(userId, id, i);
      })
      .immediate();
    return { unknown };
  }

  async getContacts(userId: string): Promise<Contact[]> {
    return this.sql.contacts.all(userId);
  }

  async getMessage(msgId: number): Promise<StoredMessage | undefined> {
    const row = this.sql.messageById.get(msgId);
    return row && toMessage(row);
  }

  async history(q: HistoryQuery): Promise<StoredMessage[]> {
    const before = q.beforeSeq ?? Number.MAX_SAFE_INTEGER;
    const rows =
      q.peerId === undefined
        ? this.sql.historyAll.all(q.userId, before, q.limit)
        : this.sql.historyWith.all(conversationKey(q.userId, q.peerId), before, q.limit);
    return rows.map(toMessage);
  }

  async pendingMessages(userId: string, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    return this.sql.pendingMessages.all(userId, afterSeq, limit).map(toMessage);
  }

  async pendingNotices(userId: string, afterId: number, limit: number): Promise<Notice[]> {
    return this.sql.pendingNotices.all(userId, afterId, limit);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
