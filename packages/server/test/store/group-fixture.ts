import { expect } from 'vitest';
import type { GroupChange, GroupEntry } from '../../src/store/groups.js';
import type {
  AppendResult,
  NewMessage,
  Store,
  StoredMessage,
  WriteKind,
  WriteOp,
  WriteResultOf,
} from '../../src/store/store.js';

/** The users every group contract test starts with (names: upper case). */
export const USERS = ['a', 'b', 'c', 'd', 'e', 'f'];

/** Write operations on one store, one per batch, with a clock that moves 1 ms per operation. */
export class GroupDriver {
  t = 1_700_000_000_000;

  constructor(readonly store: Store) {}

  async start(): Promise<this> {
    await this.store.write(
      USERS.map((id) => ({ kind: 'upsertUser', userId: id, name: id.toUpperCase(), timeMs: 0 })),
    );
    return this;
  }

  async write<K extends WriteKind>(op: Extract<WriteOp, { kind: K }>): Promise<WriteResultOf<K>> {
    return (await this.store.write([op]))[0] as WriteResultOf<K>;
  }

  create(groupId: string, ownerId: string, memberIds: string[], maxMembers = 500, timeMs = this.t++) {
    const name = `Group ${groupId}`;
    return this.write({ kind: 'createGroup', groupId, name, ownerId, memberIds, maxMembers, timeMs });
  }

  /** Creates a group that must be created. */
  async group(groupId: string, ownerId: string, memberIds: string[], timeMs = this.t++) {
    const r = await this.create(groupId, ownerId, memberIds, 500, timeMs);
    expect(r.outcome, `create ${groupId}`).toBe('created');
  }

  change(groupId: string, actorId: string, change: GroupChange, maxMembers = 500) {
    return this.write({ kind: 'changeGroup', groupId, actorId, change, maxMembers, timeMs: this.t++ });
  }

  /** A change that must be made; its entries. */
  async changed(groupId: string, actorId: string, change: GroupChange): Promise<GroupEntry[]> {
    const r = await this.change(groupId, actorId, change);
    if (r.outcome !== 'changed') throw new Error(`${actorId} ${change.op} ${groupId}: ${r.outcome}`);
    return r.entries;
  }

  async reserve(userId: string, count = 1): Promise<number[]> {
    const op = {
      kind: 'reserve',
      userId,
      count,
      nowMs: this.t,
      validFromMs: 0,
      maxOutstanding: 1e6,
    } as const;
    return ((await this.write(op)) as { ids: number[] }).ids;
  }

  msg(msgId: number, fromId: string, toId: string, body = `m${msgId}`, timeMs = this.t++): NewMessage {
    return { msgId, fromId, toId, type: 0, body, timeMs };
  }

  append(m: NewMessage): Promise<AppendResult> {
    return this.write({ kind: 'append', ...m, validFromMs: 0, maxPending: 1_000_000 });
  }

  /** A message with a fresh id that must be stored; the message as stored (seq: the recipient's or group's). */
  async send(fromId: string, toId: string, body?: string, timeMs?: number) {
    const [id] = await this.reserve(fromId);
    const r = await this.append(this.msg(id!, fromId, toId, body ?? `m${id}`, timeMs));
    if (r.outcome !== 'stored') throw new Error(`${fromId} to ${toId}: ${r.outcome}`);
    return r.message;
  }

  read(groupId: string, readerId: string, msgId: number) {
    return this.write({ kind: 'groupRead', groupId, readerId, msgId });
  }

  confirm(groupId: string, userId: string, seq: number) {
    return this.write({ kind: 'groupConfirm', groupId, userId, seq });
  }

  recall(groupId: string, userId: string, msgId: number, notBeforeMs = 0) {
    return this.write({ kind: 'groupRecall', groupId, userId, msgId, notBeforeMs, timeMs: this.t++ });
  }
}

/** What entries are, compactly: an event's type and users, or a message's kind and id. */
export function brief(entries: readonly GroupEntry[]): string[] {
  return entries.map((e) =>
    e.kind === 'event'
      ? `${e.seq} ${e.event.type}${e.event.users ? ` ${e.event.users.join(',')}` : ''}`
      : `${e.seq} ${e.kind} ${e.message.msgId}`,
  );
}

/** A message as read back: recalled ones are erased. */
export function storedAs(m: StoredMessage, recalled = false): StoredMessage {
  const { msgId, fromId, toId, type, body, status, timeMs } = m;
  return { msgId, fromId, toId, type, body: recalled ? '' : body, status, timeMs, recalled };
}

/** A result with its `recipients` (if any) sorted: the order of recipients is not part of the contract. */
export function sorted<R extends object>(r: R): R {
  const recipients = (r as { recipients?: string[] }).recipients;
  return recipients ? { ...r, recipients: [...recipients].sort() } : r;
}
