import { contactList } from '../rules.js';
import type { WriteOps } from '../store.js';
import { addContacts } from './friend-writes.js';
import type { Statements } from './statements.js';
import type { WriteContext } from './write-context.js';

type Result<K extends keyof WriteOps> = WriteOps[K]['result'];
type Op<K extends keyof WriteOps> = WriteOps[K]['op'];

/** The user write operations, run inside the batch transaction. */
export function ensureUser(sql: Statements, { userId, timeMs }: Op<'ensureUser'>): Result<'ensureUser'> {
  sql.insertUserIfMissing.run(userId, userId, timeMs);
  return sql.getUser.get(userId)!;
}

export function upsertUser(
  sql: Statements,
  { userId, name, timeMs }: Op<'upsertUser'>,
): Result<'upsertUser'> {
  sql.upsertUser.run(userId, name, timeMs);
  return { id: userId, name };
}

export function setContacts(
  sql: Statements,
  { userId, contactIds }: Op<'setContacts'>,
): Result<'setContacts'> {
  const list = contactList(contactIds);
  const unknown = list.filter((id) => !sql.userExists.get(id));
  if (unknown.length > 0) return { unknown };
  sql.clearContacts.run(userId);
  addContacts(sql, userId, list);
  return { unknown };
}

export function block({ sql, users }: WriteContext, op: Op<'block'>): Result<'block'> {
  if (!sql.userExists.get(op.otherId)) return { outcome: 'unknown_user' };
  const changes = op.blocked
    ? sql.block.run(op.userId, op.otherId, op.timeMs).changes
    : sql.unblock.run(op.userId, op.otherId).changes;
  if (changes > 0) users.blockChanged(op.userId, op.otherId, op.blocked);
  return { outcome: changes > 0 ? 'changed' : 'unchanged' };
}
