import { contactList } from '../rules.js';
import type { WriteOps } from '../store.js';
import { type Db, SQL } from './statements.js';
import { fromDb, toDb } from './text.js';

type Result<K extends keyof WriteOps> = WriteOps[K]['result'];
type Op<K extends keyof WriteOps> = WriteOps[K]['op'];

/** The user write operations, run inside the batch transaction. */
export async function ensureUser(
  db: Db,
  { userId, timeMs }: Op<'ensureUser'>,
): Promise<Result<'ensureUser'>> {
  const user = await db.get(SQL.ensureUser, userId, timeMs);
  if (user) return { id: user.id, name: fromDb(user.name) };
  // created by a concurrent transaction after this statement's snapshot: read it with a new one
  const created = await db.get(SQL.getUser, userId);
  if (!created) throw new Error(`ensureUser ${userId}: neither created nor found`);
  return { id: created.id, name: fromDb(created.name) };
}

export async function upsertUser(
  db: Db,
  { userId, name, timeMs }: Op<'upsertUser'>,
): Promise<Result<'upsertUser'>> {
  await db.run(SQL.upsertUser, userId, toDb(name), timeMs);
  return { id: userId, name };
}

/**
 * Only an account deletion removes a user, so the existence check stays true until the contacts are
 * written (but for a deletion committing meanwhile: its id stays listed, and lists read skip it).
 */
export async function setContacts(
  db: Db,
  { userId, contactIds }: Op<'setContacts'>,
): Promise<Result<'setContacts'>> {
  const list = contactList(contactIds);
  const known = new Set((await db.all(SQL.existingUsers, list)).map((r) => r.id));
  const unknown = list.filter((id) => !known.has(id));
  if (unknown.length > 0) return { unknown };
  await db.run(SQL.clearContacts, userId);
  if (list.length > 0) await db.run(SQL.addContacts, userId, list);
  return { unknown };
}

/** The blocker's row is locked (locks.ts): an append to it, which reads its blocks, waits. */
export async function block(db: Db, op: Op<'block'>): Promise<Result<'block'>> {
  if (!(await db.get(SQL.userExists, op.otherId))) return { outcome: 'unknown_user' };
  const changed = op.blocked
    ? await db.run(SQL.block, op.userId, op.otherId, op.timeMs)
    : await db.run(SQL.unblock, op.userId, op.otherId);
  return { outcome: changed > 0 ? 'changed' : 'unchanged' };
}
