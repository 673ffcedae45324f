import { afterEach, describe, expect, it, vi } from 'vitest';
import { HOLD_MAX_MS } from '../../src/store/sqlite/conversation-buffer.js';
import type { HeldRecovery } from '../../src/store/sqlite/held-recovery.js';
import type { WriteOp } from '../../src/store/store.js';
import { tempDir } from '../helpers/test-server.js';
import {
  confirm,
  crashImage,
  expected,
  lists,
  openStore,
  peek,
  pendingOf,
  sentTo,
  setUp,
  talk,
  talking,
} from './held-rows-fixture.js';
import { appendOp, reserveIds } from './write-ops.js';

/**
 * A start after the process died holding conversation and pending rows in memory puts back what
 * the database is missing (held-recovery.ts), found through the mark `meta.conv_held_ms`.
 */

afterEach(() => {
  vi.useRealTimers();
});

describe('SQLite rows held in memory, after a crash', () => {
  it('folds in what a process that died was holding, exactly once', async () => {
    // checkpoints inside commits: nothing changes the files between two writes
    const { dir, store, free, sent } = await talking(12, { checkpointIntervalMs: 0 });
    await store.write([confirm('b', sent[0]!)]);
    await lists(store, ['a']); // written up to here ...
    await talk(store, free, 12, 17, sent); // ... and these held
    await store.write([confirm('b', sent[15]!)]); // confirmed before they were written
    expect(store.holdsRows).toBe(true);
    // the files as a SIGKILL would leave them
    const crashed = crashImage(dir);
    expect(peek(crashed).heldSince()).toBe(1012);

    const recoveries: HeldRecovery[] = [];
    const reopened = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    // a-c (m12), a-a (m13), c-a (m14), a-b (m15), b-a (m16): each side's entries, put back from
    // the message rows and folded into the conversation rows, and the five messages pending
    // again, m15 too: which were confirmed is not known
    expect(recoveries).toEqual([{ users: 3, restored: 9, entries: 9, pending: 5, ranges: 3 }]);
    expect(peek(crashed).heldSince()).toBeUndefined();
    expect(await pendingOf(reopened, 'b')).toEqual(sentTo('b', sent, [sent[0]!]));
    expect(await pendingOf(store, 'b')).toEqual(sentTo('b', sent, [sent[0]!, sent[15]!]));
    for (const u of ['a', 'c']) expect(await pendingOf(reopened, u)).toEqual(sentTo(u, sent));
    expect(await lists(reopened, ['a', 'b', 'c'])).toEqual(expected(sent));
    expect(await lists(store, ['a', 'b', 'c'])).toEqual(expected(sent));
    // the links continue from the rows
    await talk(reopened, free, 17, 19, sent);
    const page = await reopened.history({ userId: 'a', peerId: 'b', limit: 4 });
    expect(page === 'unknown_base' ? page : page.map((m) => m.msgId)).toEqual([
      sent[16],
      sent[15],
      sent[11],
      sent[10],
    ]);
    await reopened.close();
    const again = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    expect(recoveries).toHaveLength(1);
    expect(await lists(again, ['a', 'b', 'c'])).toEqual(expected(sent));
  });

  it('after a crash, makes pending again only what a raised mark still covers', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { dir, store, free, sent } = await talking(4, { checkpointIntervalMs: 0 });
    vi.advanceTimersByTime(HOLD_MAX_MS);
    // the first timed write (with m4's batch): every pending row held so far is kept
    await talk(store, free, 4, 6, sent);
    vi.advanceTimersByTime(HOLD_MAX_MS);
    await talk(store, free, 6, 7, sent); // the second: m0-m4 written, m5 and m6 kept
    expect(await store.write([confirm('b', sent[0]!), confirm('b', sent[5]!)])).toEqual([
      { found: true },
      { found: true },
    ]);
    const crashed = crashImage(dir);
    expect(peek(crashed).heldSince()).toBe(1005);
    const recoveries: HeldRecovery[] = [];
    const reopened = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    // m5 (confirmed, not known to be) and m6 pending again; m0's confirmation was written
    expect(recoveries).toMatchObject([{ pending: 2 }]);
    for (const u of ['a', 'b', 'c']) {
      expect(await pendingOf(reopened, u)).toEqual(sentTo(u, sent, [sent[0]!]));
      expect(await pendingOf(store, u)).toEqual(sentTo(u, sent, [sent[0]!, sent[5]!]));
    }
    expect(await lists(reopened, ['a', 'b', 'c'])).toEqual(expected(sent));
  });

  it('reads the messages from the lowest id not used up when nothing was held: an id used late is found', async () => {
    vi.useFakeTimers({ toFake: ['performance'] }); // no chunk of entries comes due
    const dir = tempDir();
    const store = openStore(dir, { checkpointIntervalMs: 0 });
    const fromId = () =>
      (peek(dir).db.prepare("SELECT value FROM meta WHERE key = 'held_from_id'").get() as { value: number })
        .value;
    const free = await setUp(store); // a: ids 1-30, b: 31-60, c: 61-90
    expect(fromId()).toBe(1); // at open: the next id
    // c uses all of its ids, a none, b one; then every held row is written (an operation off the
    // message path): from here on a message's id is one of a's or later
    for (const id of free.c!) await store.write([appendOp(id, 'c', 'b', 'c', 900)]);
    const late = free.a!.shift()!;
    await store.write([appendOp(free.b!.shift()!, 'b', 'c', 'b', 901)]);
    await store.write([{ kind: 'purgeNotices', doneBeforeMs: 0, limit: 0 }]);
    expect(fromId()).toBe(late);
    // a newer id, then the oldest one still open, both held
    const [newer] = await reserveIds(store, 'c', 1);
    await store.write([appendOp(newer!, 'c', 'a', 'newer', 1000)]);
    await store.write([appendOp(late, 'a', 'b', 'late', 1001)]);
    expect(store.holdsRows).toBe(true);
    const crashed = crashImage(dir);
    expect(peek(crashed).entry('b', late)).toBeUndefined();
    const recoveries: HeldRecovery[] = [];
    const reopened = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    expect(recoveries).toMatchObject([{ restored: 4 }]);
    const inbox = async (u: string) => (await reopened.inboxSince(u, 0, 100)).map((m) => m.msgId);
    expect(await inbox('b')).toContain(late);
    expect(await inbox('a')).toEqual([newer, late]);
  });

  it('keeps the mark while pending rows are held, also with every conversation row written', async () => {
    const dir = tempDir();
    const store = openStore(dir, { checkpointIntervalMs: 0 });
    const free = await setUp(store);
    const [m1, m2] = free.a!.splice(0, 2) as [number, number];
    const m3 = free.b!.shift()!;
    await store.write([appendOp(m1, 'a', 'b', 'one', 1000)]);
    await store.write([appendOp(m2, 'a', 'b', 'two', 1001)]);
    await store.write([appendOp(m3, 'b', 'a', 'three', 1002)]);
    const read = (readerId: string, senderId: string, msgId: number): WriteOp => ({
      kind: 'read',
      readerId,
      senderId,
      msgId,
      notice: '{}',
    });
    await store.write([read('b', 'a', m1)]);
    await store.write([read('a', 'b', m3)]);
    // both rows written by the reads; m2's pending row still held, so the mark stays
    const db = peek(dir);
    expect(db.rows()).toHaveLength(2);
    expect(db.pending()).toEqual([]);
    expect(db.heldSince()).toBe(1000);
    const crashed = crashImage(dir);
    const recoveries: HeldRecovery[] = [];
    const reopened = openStore(crashed, { onRecovered: (r) => recoveries.push(r) });
    expect(recoveries).toMatchObject([{ pending: 1 }]); // m1 and m3 were read
    expect(await pendingOf(reopened, 'b')).toEqual([m2]);
    // once nothing is held, the mark goes without a write of held rows
    await store.write([read('b', 'a', m2)]);
    expect(store.holdsRows).toBe(false);
    expect(db.heldSince()).toBeUndefined();
  });

  it('folds in a row left behind one that a read receipt wrote ahead of it', async () => {
    const dir = tempDir();
    const store = openStore(dir, { checkpointIntervalMs: 0 });
    const free = await setUp(store);
    const fromC = free.c!.shift()!;
    const fromA = free.a!.shift()!;
    await store.write([appendOp(fromC, 'c', 'b', 'from c', 1000)]);
    await store.write([appendOp(fromA, 'a', 'b', 'from a', 1001)]);
    // b's row with a is written (its newest entry is b's second); b's row with c is held still
    await store.write([{ kind: 'read', readerId: 'b', senderId: 'a', msgId: fromA, notice: '{}' }]);
    expect(peek(dir).rows()).toEqual([['b', 'a', fromA, 0, 2]]);
    const crashed = crashImage(dir);
    const reopened = openStore(crashed);
    const expected = {
      a: [['b', fromA, 0]],
      b: [
        ['a', fromA, 0],
        ['c', fromC, 1],
      ],
      c: [['b', fromC, 0]],
    };
    expect(await lists(reopened, ['a', 'b', 'c'])).toEqual(expected);
    expect(await lists(store, ['a', 'b', 'c'])).toEqual(expected);
  });
});
