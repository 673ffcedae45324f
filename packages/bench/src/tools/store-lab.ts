#!/usr/bin/env node
/**
 * The store lab: Parley's SQLite store alone, driven through its write operations as the server
 * drives it (the writer thread, group commits), without sockets, a generator or a second process
 * on the machine: what the writer itself costs per message. The `store` scenario
 * runs it for this checkout and for the `--against` build.
 *
 * P pairs; the store is filled with `--prefill` messages (commits of 256), then `--measured` more go
 * in commits of `--commit` messages, as at a moderate rate, each with the recipients' cumulative
 * confirmations (action 22) and the senders' reservations (action 2, ten ids) that fall due. Senders
 * are drawn at random, skewed (a few send much more than the rest), from a fixed seed: both builds
 * get the same sequence. Each sender holds `--held` batches of ten ids and always uses its oldest,
 * so the ids of one commit were handed out at different times, up to about held × 10 × P ids back.
 *
 *   node packages/bench/dist/tools/store-lab.js --store <.../dist/store/sqlite/sqlite-store.js> \
 *     [--held 2] [--pairs 1000] [--prefill 1000000] [--measured 200000] [--commit 12]
 *
 * Prints one JSON line (StoreLabRun without the scenario's fields).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { threadTimes } from '../metrics/proc.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
/** A whole number of at least `min`, or the run stops saying which argument is wrong. */
const count = (name: string, fallback: string, min: number) => {
  const n = Number(arg(name, fallback));
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}`);
  return n;
};
const storeModule = arg('store', '');
if (!storeModule) throw new Error('--store <path of a built sqlite-store.js> is required');
const held = count('held', '2', 1);
const pairs = count('pairs', '1000', 1);
const prefill = count('prefill', '1000000', 0);
const measured = count('measured', '200000', 1);
const commit = count('commit', '12', 1);
const IDS_PER_RESERVE = 10;

type Op = Record<string, unknown> & { kind: string };
type Result = { outcome?: string; ids?: number[]; message?: { seq: number } };
interface Store {
  write(ops: readonly Op[]): Promise<Result[]>;
  close(): Promise<void>;
}

/** mulberry32: a small PRNG, so that every build sees the same senders in the same order. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const quiet = { info() {}, warn() {}, debug() {}, error: console.error, child: () => quiet };
const { SqliteStore } = (await import(storeModule)) as {
  SqliteStore: new (o: { dataDir: string; log: unknown }) => Store;
};
const dir = mkdtempSync(path.join(tmpdir(), 'parley-store-lab-'));
const store = new SqliteStore({ dataDir: dir, log: quiet });
const sender = (i: number) => `s${i}`;
const recipient = (i: number) => `r${i}`;
const nowMs = Date.now();
/** Far above what a sender holds: the quota's exact count (a user near its quota) is not what this measures. */
const maxOutstanding = 1_000_000;
const reserveOp = (i: number): Op => ({
  kind: 'reserve',
  userId: sender(i),
  count: IDS_PER_RESERVE,
  nowMs,
  validFromMs: 0,
  maxOutstanding,
});

/** Each sender's reserved ids, oldest first, and the highest id handed out so far. */
const ids: number[][] = Array.from({ length: pairs }, () => []);
let newestId = 0;
function reserved(op: Op, r: Result): void {
  if (r.outcome !== 'reserved' || !r.ids) throw new Error(`reserve refused: ${JSON.stringify(r)}`);
  ids[Number((op.userId as string).slice(1))]!.push(...r.ids);
  newestId = Math.max(newestId, ...r.ids);
}

async function write(ops: Op[]): Promise<Result[]> {
  const results = await store.write(ops);
  results.forEach((r, j) => {
    const op = ops[j]!;
    if (op.kind === 'reserve') reserved(op, r);
    else if (op.kind === 'append' && r.outcome !== 'stored')
      throw new Error(`append refused: ${JSON.stringify(r)}`);
  });
  return results;
}

const draw = random(14);
/** Recipients' highest positions received and not yet confirmed. */
const unconfirmed = new Map<string, number>();
const body = 'x'.repeat(64);

/** Sends `n` messages in commits of `size`; the ages of the ids used (newest id − id) go to `ages`. */
async function send(n: number, size: number, ages?: Float64Array): Promise<void> {
  for (let done = 0; done < n; ) {
    const ops: Op[] = [];
    const refill = new Set<number>();
    for (let j = 0; j < size && done < n; j++, done++) {
      let i = Math.floor(pairs * draw() ** 2);
      for (let tries = 0; ids[i]!.length === 0; tries++) {
        if (tries === pairs)
          throw new Error('every sender ran out of ids in one commit: more --pairs or --held');
        i = (i + 1) % pairs;
      }
      const msgId = ids[i]!.shift()!;
      if (ages) ages[done] = newestId - msgId;
      const timeMs = Date.now();
      const [fromId, toId] = [sender(i), recipient(i)];
      ops.push({
        kind: 'append',
        msgId,
        fromId,
        toId,
        type: 0,
        body,
        timeMs,
        validFromMs: 0,
        maxPending: 1e9,
      });
      if (ids[i]!.length <= (held - 1) * IDS_PER_RESERVE) refill.add(i);
    }
    // about one cumulative confirmation for every five messages, as the bench's recipients send
    for (const [userId, seq] of unconfirmed)
      if (draw() < 0.2) {
        ops.push({ kind: 'confirmThrough', userId, seq });
        unconfirmed.delete(userId);
      }
    for (const i of refill) ops.push(reserveOp(i));
    const results = await write(ops);
    results.forEach((r, j) => {
      const op = ops[j]!;
      if (op.kind === 'append') unconfirmed.set(op.toId as string, r.message!.seq);
    });
  }
}

/** CPU seconds of this process's threads since `before`: the main thread (the lab) and the rest (the store). */
function cpuSince(before: ReturnType<typeof threadTimes>) {
  let main = 0;
  let store = 0;
  let user = 0;
  let system = 0;
  for (const [tid, t] of threadTimes(process.pid)) {
    const b = before.get(tid) ?? { user: 0, system: 0 };
    const s = t.user - b.user + t.system - b.system;
    user += t.user - b.user;
    system += t.system - b.system;
    if (tid === String(process.pid)) main += s;
    else store += s;
  }
  return { main, store, user, system };
}

try {
  await write(
    Array.from({ length: pairs }, (_, i) => [
      { kind: 'ensureUser', userId: recipient(i), timeMs: nowMs },
      { kind: 'ensureUser', userId: sender(i), timeMs: nowMs },
    ]).flat(),
  );
  for (let k = 0; k < held; k++)
    for (let i = 0; i < pairs; i += 256)
      await write(Array.from({ length: Math.min(256, pairs - i) }, (_, j) => reserveOp(i + j)));
  const t0 = performance.now();
  await send(prefill, 256);
  const prefillS = (performance.now() - t0) / 1000;
  await send(Math.min(20_000, measured), commit); // warm-up at the measured commit size
  const ages = new Float64Array(measured);
  const before = threadTimes(process.pid);
  const t1 = performance.now();
  await send(measured, commit, ages);
  const seconds = (performance.now() - t1) / 1000;
  const cpu = cpuSince(before);
  ages.sort();
  const us = (s: number) => Math.round((s * 1e7) / measured) / 10;
  console.log(
    JSON.stringify({
      held,
      pairs,
      prefill,
      measured,
      commit,
      prefillS: Math.round(prefillS * 10) / 10,
      msgPerSec: Math.round(measured / seconds),
      cpuUsPerMsg: us(cpu.main + cpu.store),
      storeUsPerMsg: us(cpu.store),
      userUsPerMsg: us(cpu.user),
      systemUsPerMsg: us(cpu.system),
      idAgeMedian: ages[ages.length >> 1],
      dbMiB: Math.round(statSync(path.join(dir, 'parley.db')).size / 2 ** 20),
    }),
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
