import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type ErrorFrame,
  type HistoryFrame,
  type HistoryReply,
  parseMsgId,
  type ServerFrame,
} from '@parley/protocol';
import { Client } from '../load/clients.js';
import { connectAll } from '../load/connect.js';
import { countError, newContext, nowUs } from '../load/context.js';
import { type Histogram, latencyHistogram, recordUs } from '../metrics/histogram.js';
import { type ParleyOptions, withTarget } from '../targets.js';
import { otherServer } from './against.js';
import { seedHistory, userA, userB } from './history-seed.js';
import { collectProfiles } from './interleave.js';
import {
  HISTORY_THIS_BUILD,
  type HistoryKindResult,
  type HistoryResult,
  type HistoryStoreResult,
  type Scenario,
  type ScenarioContext,
} from './types.js';

/** A client that sends action 12 and waits for each answer before the next: round-trip latency. */
class HistoryClient extends Client {
  private waiting: ((f: HistoryReply | ErrorFrame) => void) | undefined;

  request(frame: HistoryFrame): Promise<HistoryReply | ErrorFrame> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.conn!.send(frame);
    });
  }

  private settle(f: HistoryReply | ErrorFrame): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.(f);
  }

  protected handle(f: ServerFrame): void {
    if (f.action === '12') this.settle(f);
  }

  protected override onError(f: ErrorFrame): void {
    this.settle(f);
  }
}

const KINDS = {
  newest: 'conversation, newest page',
  older: 'conversation, older page (baseMsgId)',
  all: 'all conversations, newest page',
} as const;
type Kind = keyof typeof KINDS;

/** Pages of one conversation, newest first, then the user's page across all conversations. */
async function browse(
  client: HistoryClient,
  peer: string,
  pageSize: number,
  pages: number,
  record: (kind: Kind, us: number, ok: boolean) => void,
): Promise<void> {
  let base: string | undefined;
  for (let p = 0; p < pages; p++) {
    const frame: HistoryFrame = { action: '12', fromId: client.userId, toId: peer, pageSize };
    if (base !== undefined) frame.baseMsgId = base;
    const t0 = nowUs();
    const reply = await client.request(frame);
    const us = nowUs() - t0;
    const ok = reply.action === '12' && isPage(reply, pageSize, base, client.userId, peer);
    record(base === undefined ? 'newest' : 'older', us, ok);
    const first = reply.action === '12' ? reply.historyMsgs[0] : undefined;
    if (!first || !('chatMsg' in first)) break; // 1:1 history holds messages only
    base = first.chatMsg.id;
  }
  const t0 = nowUs();
  const reply = await client.request({ action: '12', fromId: client.userId, pageSize });
  record(
    'all',
    nowUs() - t0,
    reply.action === '12' && isPage(reply, pageSize, undefined, client.userId, undefined),
  );
}

/**
 * A full page, oldest first, every entry older than the base, and every entry the user's: with
 * `peer`, a message between the two of them (a page of one conversation holds nothing else).
 */
function isPage(
  reply: HistoryReply,
  pageSize: number,
  base: string | undefined,
  user: string,
  peer: string | undefined,
): boolean {
  const ids = reply.historyMsgs.map((e) => ('chatMsg' in e ? (parseMsgId(e.chatMsg.id) ?? 0) : 0));
  const limit = base === undefined ? Number.POSITIVE_INFINITY : (parseMsgId(base) ?? 0);
  const theirs = reply.historyMsgs.every(
    (e) =>
      (e.fromId === user && (peer === undefined || e.toId === peer)) ||
      (e.toId === user && (peer === undefined || e.fromId === peer)),
  );
  return (
    theirs && ids.length === pageSize && ids.every((id, i) => id < limit && (i === 0 || id > ids[i - 1]!))
  );
}

/** A shape of stored history: who talks with whom, and how much. */
interface StoreShape {
  label: string;
  messages: number;
  /** Users; each talks with `peers` others (pairs of neighbours on a ring when more than one). */
  users: number;
  peers: number;
  /** Pages of one conversation each user reads (the conversations hold at least that many). */
  pages: number;
}

const PAGE_SIZE = 20;

/** The conversations of a shape, as the seeder's pairs: user i with users i+1 .. i+peers/2 on a ring. */
export function shapePairs(shape: Pick<StoreShape, 'users' | 'peers'>): [string, string][] {
  if (shape.peers === 1)
    return Array.from({ length: shape.users / 2 }, (_, k) => [userA(k), userB(k)] as [string, string]);
  const name = (i: number) => `hU${String(i % shape.users).padStart(5, '0')}`;
  const out: [string, string][] = [];
  for (let d = 1; d <= shape.peers / 2; d++)
    for (let i = 0; i < shape.users; i++) out.push([name(i), name(i + d)]);
  return out;
}

/** Seeds a store of `shape` in a new data folder that `script`'s server created, then has users page through it. */
async function measure(
  ctx: ScenarioContext,
  shape: StoreShape,
  build: { label: string; script?: string },
): Promise<HistoryStoreResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-history-'));
  const { progress } = ctx;
  const base: ParleyOptions = { dataDir, ...(build.script !== undefined && { script: build.script }) };
  const stage = `history · ${shape.label} · ${build.label}`;
  try {
    progress.stage(`${stage} · creating the database`);
    await withTarget('parley', base, async () => {}); // the server creates and migrates it
    progress.stage(`${stage} · seeding ${shape.messages.toLocaleString('en-US')} messages`);
    const pairs = shapePairs(shape);
    const seed = seedHistory(dataDir, {
      messages: shape.messages,
      conversations: pairs.length,
      pair: (k) => pairs[k]!,
    });
    const readers = ctx.mode === 'quick' ? 20 : 100;
    const hists = new Map<Kind, { h: Histogram; bad: number }>();
    for (const k of Object.keys(KINDS) as Kind[]) hists.set(k, { h: latencyHistogram(), bad: 0 });
    const lctx = newContext({ window: 0, idsAhead: 0, textBytes: 0 });
    const opts: ParleyOptions = { ...base };
    const profileDir =
      ctx.cpuProfile && ctx.profileDir
        ? path.join(ctx.profileDir, `history-${shape.label}-${build.label}`.replace(/\W+/g, '-'))
        : undefined;
    if (profileDir) {
      mkdirSync(profileDir, { recursive: true });
      opts.nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
    }
    await withTarget('parley', opts, async (t) => {
      progress.stage(`${stage} · ${readers} users page through ${shape.pages} pages each`);
      const [a0, b0] = pairs[0]!;
      const warm = new HistoryClient(lctx, a0);
      await connectAll([warm], t.driver, t.url);
      await browse(warm, b0, PAGE_SIZE, shape.pages, () => {}); // warm the server's code paths
      warm.close();
      for (let u = 0; u < readers; u++) {
        // conversations spread over the store; either side of it reads
        const [a, b] = pairs[Math.floor(((u + 0.5) * pairs.length) / readers)]!;
        const client = new HistoryClient(lctx, u % 2 === 0 ? a : b);
        await connectAll([client], t.driver, t.url);
        await browse(client, u % 2 === 0 ? b : a, PAGE_SIZE, shape.pages, (kind, us, ok) => {
          const e = hists.get(kind)!;
          recordUs(e.h, us);
          if (!ok) {
            e.bad++;
            countError(lctx, `history: bad page (${KINDS[kind]})`);
          }
        });
        client.close();
        progress.update((u + 1) / readers, `${u + 1}/${readers} users`);
      }
    });
    const kinds: HistoryKindResult[] = [...hists].map(([k, { h, bad }]) => ({
      kind: KINDS[k],
      count: h.totalCount,
      p50: h.getValueAtPercentile(50) / 1000,
      p90: h.getValueAtPercentile(90) / 1000,
      p99: h.getValueAtPercentile(99) / 1000,
      max: h.maxValue / 1000,
      badPages: bad,
    }));
    const result: HistoryStoreResult = {
      store: shape.label,
      build: build.label,
      messages: shape.messages,
      conversations: pairs.length,
      users: shape.users,
      peersPerUser: shape.peers,
      seedS: seed.seconds,
      dbMiB: seed.dbMiB,
      kinds,
      errors: Object.fromEntries(lctx.errors),
    };
    if (profileDir) result.profiles = collectProfiles([profileDir]);
    return result;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The stores: users with one conversation each (2,000 users, 1,000 messages per conversation), and
 * users with 100 peers each (500 users, 40 messages per conversation), where the entries of one
 * conversation lie far apart in each user's timeline.
 */
function shapes(quick: boolean): StoreShape[] {
  const messages = quick ? 20_000 : 1_000_000;
  return [
    { label: 'one peer per user', messages, users: quick ? 200 : 2000, peers: 1, pages: 10 },
    { label: 'many peers per user', messages, users: quick ? 100 : 500, peers: quick ? 10 : 100, pages: 2 },
  ];
}

/**
 * History page latency (action 12 round trips) on stores of a million messages; with `--against`,
 * the other build on the same stores too (seeded the same way, measured one after the other).
 */
export const history: Scenario = {
  name: 'history',
  describe:
    'action 12 round trips (p50/p99) on stores of 1,000,000 messages: one peer per user, and 100 peers per user',
  async run(ctx): Promise<HistoryResult> {
    const builds: { label: string; script?: string }[] = [{ label: HISTORY_THIS_BUILD }];
    if (ctx.against !== undefined) builds.push({ label: ctx.against, script: otherServer(ctx.against) });
    const stores: HistoryStoreResult[] = [];
    for (const shape of shapes(ctx.mode === 'quick'))
      for (const build of builds) stores.push(await measure(ctx, shape, build));
    return { kind: 'history', pageSize: PAGE_SIZE, stores };
  },
};
