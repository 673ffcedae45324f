import type { Store, WriteOp } from '../../src/store/store.js';

/** Action 2's write: `count` ids for `userId`, with no reservation expired and no cap in the way. */
export const reserveOp = (userId: string, count: number): WriteOp => ({
  kind: 'reserve',
  userId,
  count,
  nowMs: 1,
  validFromMs: 0,
  maxOutstanding: 1_000_000,
});

/** Reserves `count` message ids for `userId`; fails the test if the store did not reserve them. */
export async function reserveIds(store: Store, userId: string, count: number): Promise<number[]> {
  const [r] = await store.write([reserveOp(userId, count)]);
  if (r === null || r === undefined || !('ids' in r)) throw new Error(`reserve: ${JSON.stringify(r)}`);
  return r.ids;
}

/** The group ~g, named G, that `ownerId` creates with `memberIds` (room for ten). */
export const createGroupOp = (ownerId: string, memberIds: readonly string[], timeMs = 0): WriteOp => ({
  kind: 'createGroup',
  groupId: '~g',
  name: 'G',
  ownerId,
  memberIds,
  maxMembers: 10,
  timeMs,
});

/** A 1:1 message for the store, with no reservation expired and no pending cap in the way. */
export const appendOp = (msgId: number, fromId: string, toId: string, body = 'hi', timeMs = 1): WriteOp => ({
  kind: 'append',
  msgId,
  fromId,
  toId,
  type: 0,
  body,
  timeMs,
  validFromMs: 0,
  maxPending: 1e6,
});

/** A store from `makeStore` with the users a, b and c (named A, B and C), as the contract suites start. */
export async function storeWithUsers(makeStore: () => Promise<Store>): Promise<Store> {
  const store = await makeStore();
  for (const id of ['a', 'b', 'c'])
    await store.write([{ kind: 'upsertUser', userId: id, name: id.toUpperCase(), timeMs: 0 }]);
  return store;
}
