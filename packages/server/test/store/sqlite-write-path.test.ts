import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store, WriteOp, WriteResult } from '../../src/store/store.js';
import { onCleanup, tempDir } from '../helpers/test-server.js';
import { reserveIds } from './write-ops.js';

/**
 * The SQLite writer keeps users' facts in memory (timeline heads, pending counts, blocks) and writes
 * the conversation rows of a batch's 1:1 messages once at its end. None of it may show: not after a
 * rollback, not after a restart, not to another connection reading the file, and a batch must leave
 * what its operations one per batch would.
 */

const USERS = ['a', 'b', 'c', 'd'];

/**
 * A store whose batches run inline: these tests look at one batch's transaction and what the
 * writer remembers of it (the writer thread runs the same inline store, and answers a failed batch
 * by retrying it op by op: see sqlite-writer-thread.test.ts).
 */
function open(dataDir = tempDir()): SqliteStore {
  const store = new SqliteStore({ dataDir, writer: 'inline' });
  onCleanup(() => store.close());
  return store;
}

async function withUsers(store: SqliteStore): Promise<SqliteStore> {
  await store.write(
    USERS.map((id) => ({ kind: 'upsertUser', userId: id, name: id.toUpperCase(), timeMs: 0 })),
  );
  return store;
}

type AppendOp = Extract<WriteOp, { kind: 'append' }>;

let clock = 1_700_000_000_000;
const appendOp = (msgId: number, fromId: string, toId: string, maxPending = 1e6): AppendOp => ({
  kind: 'append',
  msgId,
  fromId,
  toId,
  type: 0,
  body: `m${msgId}`,
  timeMs: clock++,
  validFromMs: 0,
  maxPending,
});

/** Everything the reads say of a user. */
async function view(store: Store, userId: string) {
  return {
    head: await store.seqHead(userId),
    timeline: (await store.inboxSince(userId, 0, 10_000)).map((m) => [m.seq, m.msgId, m.status, m.recalled]),
    pending: (await store.pendingMessages(userId, 0, 10_000)).map((m) => [m.seq, m.msgId]),
    conversations: await store.conversations(userId, undefined, 100),
    blocked: await store.blockedUsers(userId),
    notices: await store.noticesSince(userId, 0, 10_000),
  };
}

describe('SQLite write path: in-memory facts and buffered conversation rows', () => {
  it('forgets what a rolled-back batch did: positions follow the last commit, caps, blocks and rows are as committed', async () => {
    const store = await withUsers(open());
    const ids = await reserveIds(store, 'a', 10);
    const [fromB] = await reserveIds(store, 'b', 1);
    const [fromC] = await reserveIds(store, 'c', 1);
    await store.write([appendOp(ids[0]!, 'a', 'b', 3)]);
    const before = { a: await view(store, 'a'), b: await view(store, 'b') };
    // a block, positions drawn, pending slots counted, conversation rows buffered: then a real
    // SQLite error in the middle of an append (a message without a body: NOT NULL)
    await expect(
      store.write([
        { kind: 'block', userId: 'b', otherId: 'c', blocked: true, timeMs: 5 },
        appendOp(ids[1]!, 'a', 'b', 3),
        appendOp(ids[2]!, 'a', 'b', 3),
        appendOp(fromB!, 'b', 'a', 3),
        { ...appendOp(ids[3]!, 'a', 'b', 9), body: null as unknown as string },
      ]),
    ).rejects.toThrow(/NOT NULL/);
    expect({ a: await view(store, 'a'), b: await view(store, 'b') }).toEqual(before);
    // the next messages take the next positions, with no gap, and fill the cap (3) exactly
    const results = await store.write([
      appendOp(ids[1]!, 'a', 'b', 3),
      appendOp(ids[2]!, 'a', 'b', 3),
      appendOp(ids[3]!, 'a', 'b', 3),
      appendOp(fromB!, 'b', 'a', 3),
      appendOp(fromC!, 'c', 'b', 9),
    ]);
    const brief = (r: WriteResult) => {
      const { outcome, message, senderSeq } = r as {
        outcome: string;
        message?: { seq: number };
        senderSeq?: number;
      };
      return [outcome, message?.seq, senderSeq];
    };
    expect(results.map(brief)).toEqual([
      ['stored', 2, 2],
      ['stored', 3, 3],
      ['recipient_full', undefined, undefined],
      ['stored', 4, 4],
      ['stored', 5, 1],
    ]);
    expect((await store.inboxSince('b', 0, 10)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await store.inboxSince('a', 0, 10)).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(await store.seqHead('b')).toBe(5);
    expect(await store.isBlocked('b', 'c')).toBe(false);
    expect((await store.conversations('b', undefined, 10)).map((c) => [c.id, c.unread])).toEqual([
      ['c', 1],
      ['a', 3],
    ]);
    expect((await store.conversations('a', undefined, 10)).map((c) => [c.id, c.unread])).toEqual([['b', 1]]);
  });

  it('follows blocks and unblocks written after it learnt whom a user blocked', async () => {
    const store = await withUsers(open(':memory:'));
    const ids = await reserveIds(store, 'a', 6);
    const block = (blocked: boolean): WriteOp => ({
      kind: 'block',
      userId: 'b',
      otherId: 'a',
      blocked,
      timeMs: 1,
    });
    const outcomes = async (ops: WriteOp[]) =>
      (await store.write(ops)).map((r) => (r as { outcome?: string }).outcome);
    expect(await outcomes([appendOp(ids[0]!, 'a', 'b')])).toEqual(['stored']);
    expect(await outcomes([block(true)])).toEqual(['changed']);
    expect(await outcomes([appendOp(ids[1]!, 'a', 'b')])).toEqual(['blocked']);
    expect(
      await outcomes([block(false), appendOp(ids[1]!, 'a', 'b'), block(true), appendOp(ids[2]!, 'a', 'b')]),
    ).toEqual(['changed', 'stored', 'changed', 'blocked']);
    // an erased account's blocks go with it, those of it and those of others against it
    await store.write([{ kind: 'deleteUser', userId: 'b', limit: 100, timeMs: 2 }]);
    await store.write([{ kind: 'ensureUser', userId: 'b', timeMs: 3 }]);
    expect(await outcomes([appendOp(ids[2]!, 'a', 'b')])).toEqual(['stored']);
  });

  it('keeps a head after its newest entries are deleted (retention, account erasure), across a restart', async () => {
    const dir = tempDir();
    const s1 = await withUsers(open(dir));
    const ids = await reserveIds(s1, 'a', 6);
    for (const id of ids.slice(0, 3)) await s1.write([appendOp(id, 'a', 'b')]);
    // retention deletes every message, the newest entries included
    expect(await s1.write([{ kind: 'expireMessages', beforeMs: clock + 1, limit: 100 }])).toEqual([
      { deleted: 3 },
    ]);
    expect(await s1.inboxSince('b', 0, 10)).toEqual([]);
    expect([await s1.seqHead('a'), await s1.seqHead('b')]).toEqual([3, 3]);
    await s1.write([appendOp(ids[3]!, 'a', 'b')]);
    expect((await s1.inboxSince('b', 0, 10)).map((m) => m.seq)).toEqual([4]);
    // c's account erasure in steps: its timeline is gone while it still exists
    await s1.write([appendOp(ids[4]!, 'a', 'c'), appendOp(ids[5]!, 'a', 'c')]);
    await s1.write([{ kind: 'setContacts', userId: 'c', contactIds: ['a', 'b', 'd'] }]);
    const erase = { kind: 'deleteUser', userId: 'c', limit: 2, timeMs: 1 } as const;
    expect(await s1.write([erase])).toEqual([{ outcome: 'more' }]);
    expect(await s1.inboxSince('c', 0, 10)).toEqual([]);
    expect(await s1.seqHead('c')).toBe(2);
    await s1.close();

    const s2 = open(dir);
    expect([await s2.seqHead('a'), await s2.seqHead('b'), await s2.seqHead('c')]).toEqual([6, 4, 2]);
    const [next] = await reserveIds(s2, 'a', 1);
    const [stored] = await s2.write([appendOp(next!, 'a', 'b')]);
    expect(stored).toMatchObject({ outcome: 'stored', message: { seq: 5 }, senderSeq: 7 });
    // the erasure finishes; an account of the same id starts a timeline of its own
    expect(await s2.write([erase])).toEqual([{ outcome: 'deleted' }]);
    expect(await s2.seqHead('c')).toBe(0);
    await s2.write([{ kind: 'ensureUser', userId: 'c', timeMs: 2 }]);
    const [again] = await reserveIds(s2, 'a', 1);
    expect((await s2.write([appendOp(again!, 'a', 'c')]))[0]).toMatchObject({
      message: { seq: 1 },
      senderSeq: 8,
    });
  });

  it('enforces maxPending after a restart, and counts confirmations, reads, recalls and sweeps', async () => {
    const dir = tempDir();
    const s1 = await withUsers(open(dir));
    const ids = await reserveIds(s1, 'a', 8);
    const outcomes = async (s: Store, ops: WriteOp[]) =>
      (await s.write(ops)).map((r) => (r as { outcome?: string; found?: boolean }).outcome ?? r);
    expect(await outcomes(s1, [appendOp(ids[0]!, 'a', 'b', 2), appendOp(ids[1]!, 'a', 'b', 2)])).toEqual([
      'stored',
      'stored',
    ]);
    expect(await outcomes(s1, [appendOp(ids[2]!, 'a', 'b', 2)])).toEqual(['recipient_full']);
    await s1.close();

    const s2 = open(dir);
    expect(await outcomes(s2, [appendOp(ids[2]!, 'a', 'b', 2)])).toEqual(['recipient_full']);
    // a confirmation frees a slot (once, however often it comes)
    expect(
      await outcomes(s2, [
        { kind: 'confirm', userId: 'b', msgId: ids[0]! },
        { kind: 'confirm', userId: 'b', msgId: ids[0]! },
        { kind: 'confirm', userId: 'a', msgId: ids[1]! }, // a sent it: not found
        appendOp(ids[2]!, 'a', 'b', 2),
        appendOp(ids[3]!, 'a', 'b', 2),
      ]),
    ).toEqual([{ found: true }, { found: true }, { found: false }, 'stored', 'recipient_full']);
    // a read, a recall and the pending sweep each free one
    const read = { kind: 'read', readerId: 'b', senderId: 'a', msgId: ids[1]!, notice: '{}' } as const;
    expect(
      await outcomes(s2, [read, appendOp(ids[3]!, 'a', 'b', 2), appendOp(ids[4]!, 'a', 'b', 2)]),
    ).toEqual(['read', 'stored', 'recipient_full']);
    const recall = {
      kind: 'recall',
      userId: 'a',
      peerId: 'b',
      msgId: ids[3]!,
      notBeforeMs: 0,
      notice: '{}',
    } as const;
    expect(
      await outcomes(s2, [recall, appendOp(ids[4]!, 'a', 'b', 2), appendOp(ids[5]!, 'a', 'b', 2)]),
    ).toEqual(['recalled', 'stored', 'recipient_full']);
    const sweep = { kind: 'expirePending', beforeMs: clock + 1, limit: 1 } as const;
    expect(await s2.write([sweep])).toEqual([{ expired: 1 }]);
    expect(await outcomes(s2, [appendOp(ids[5]!, 'a', 'b', 2), appendOp(ids[6]!, 'a', 'b', 2)])).toEqual([
      'stored',
      'recipient_full',
    ]);
    expect(await s2.pendingMessages('b', 0, 10)).toHaveLength(2);
  });

  it('shows another connection what the writer committed, from the database alone', async () => {
    const dir = tempDir();
    const writer = await withUsers(open(dir));
    const reader = open(dir);
    const ids = await reserveIds(writer, 'a', 3);
    await writer.write([
      appendOp(ids[0]!, 'a', 'b'),
      appendOp(ids[1]!, 'a', 'b'),
      appendOp(ids[2]!, 'a', 'a'),
      { kind: 'block', userId: 'b', otherId: 'c', blocked: true, timeMs: 3 },
    ]);
    for (const u of ['a', 'b']) expect(await view(reader, u)).toEqual(await view(writer, u));
    expect([await reader.seqHead('a'), await reader.seqHead('b')]).toEqual([3, 2]);
    expect(await reader.isBlocked('b', 'c')).toBe(true);
  });

  it('leaves the same rows and results whether operations come one per batch or in one batch', async () => {
    const one = await withUsers(open(':memory:'));
    const many = await withUsers(open(':memory:'));
    const ids = new Map<string, number[]>();
    for (const u of USERS) {
      const mine = await reserveIds(one, u, 1500);
      expect(await reserveIds(many, u, 1500)).toEqual(mine);
      ids.set(u, mine);
    }
    const take = (u: string) => ids.get(u)!.shift()!;
    // a deterministic mix: 1:1 messages (notes to oneself too), confirmations, reads, a group with
    // its messages, blocks, recalls, retries, and over MAX_UNREAD messages to one user
    let seed = 7;
    const pick = <T>(xs: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return xs[seed % xs.length]!;
    };
    const ops: WriteOp[] = [
      {
        kind: 'createGroup',
        groupId: '~g',
        name: 'G',
        ownerId: 'a',
        memberIds: ['b', 'c'],
        maxMembers: 9,
        timeMs: 1,
      },
    ];
    const sent: { msgId: number; fromId: string; toId: string }[] = [];
    for (let i = 0; i < 400; i++) {
      const from = pick(USERS);
      const roll = pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const earlier = sent.length > 0 ? pick(sent) : undefined;
      if (roll < 5 || !earlier) {
        const to = pick([...USERS, '~g']);
        const msgId = take(from);
        ops.push(appendOp(msgId, from, to));
        sent.push({ msgId, fromId: from, toId: to });
      } else if (roll === 5) ops.push({ kind: 'confirm', userId: earlier.toId, msgId: earlier.msgId });
      else if (roll === 6 && !earlier.toId.startsWith('~'))
        ops.push({
          kind: 'read',
          readerId: earlier.toId,
          senderId: earlier.fromId,
          msgId: earlier.msgId,
          notice: '{}',
        });
      else if (roll === 6)
        ops.push({ kind: 'groupRead', groupId: '~g', readerId: from, msgId: earlier.msgId });
      else if (roll === 7)
        ops.push({
          kind: 'block',
          userId: from,
          otherId: pick(USERS),
          blocked: pick([true, false]),
          timeMs: i,
        });
      else if (roll === 8 && !earlier.toId.startsWith('~'))
        ops.push({
          kind: 'recall',
          userId: earlier.fromId,
          peerId: earlier.toId,
          msgId: earlier.msgId,
          notBeforeMs: 0,
          notice: '{}',
        });
      else ops.push(appendOp(earlier.msgId, earlier.fromId, earlier.toId)); // a retry (or a refused id again)
    }
    for (let i = 0; i < 1100; i++) ops.push(appendOp(take('d'), 'd', 'c'));
    ops.push({ kind: 'confirmThrough', userId: 'c', seq: 50 });

    const oneByOne: WriteResult[] = [];
    for (const op of ops) oneByOne.push(...(await one.write([op])));
    const batched = await many.write(ops);
    expect(batched).toEqual(oneByOne);
    for (const u of USERS) expect(await view(many, u), u).toEqual(await view(one, u));
    expect((await many.conversations('c', undefined, 10)).find((c) => c.id === 'd')?.unread).toBe(999);
  });
});
