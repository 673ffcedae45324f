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
import { seedHistory, userA, userB } from './history-seed.js';
import { collectProfiles } from './interleave.js';
import type { HistoryKindResult, HistoryResult, Scenario, ScenarioContext } from './types.js';

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
    const ok = reply.action === '12' && isPage(reply, pageSize, base);
    record(base === undefined ? 'newest' : 'older', us, ok);
    const first = reply.action === '12' ? reply.historyMsgs[0] : undefined;
    if (!first || !('chatMsg' in first)) break; // 1:1 history holds messages only
    base = first.chatMsg.id;
  }
  const t0 = nowUs();
  const reply = await client.request({ action: '12', fromId: client.userId, pageSize });
  record('all', nowUs() - t0, reply.action === '12' && isPage(reply, pageSize, undefined));
}

/** A full page, oldest first, every entry older than the base. */
function isPage(reply: HistoryReply, pageSize: number, base: string | undefined): boolean {
  const ids = reply.historyMsgs.map((e) => ('chatMsg' in e ? (parseMsgId(e.chatMsg.id) ?? 0) : 0));
  const limit = base === undefined ? Number.POSITIVE_INFINITY : (parseMsgId(base) ?? 0);
  return ids.length === pageSize && ids.every((id, i) => id < limit && (i === 0 || id > ids[i - 1]!));
}

async function measure(
  ctx: ScenarioContext,
  messages: number,
  conversations: number,
): Promise<HistoryResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-history-'));
  const { progress } = ctx;
  try {
    progress.stage('history · creating the database');
    await withTarget('parley', { dataDir }, async () => {}); // the server creates and migrates it
    progress.stage(`history · seeding ${messages.toLocaleString('en-US')} messages`);
    const seed = seedHistory(dataDir, { messages, conversations });
    const pageSize = 20;
    const pages = 10;
    const users = ctx.mode === 'quick' ? 20 : 100;
    const hists = new Map<Kind, { h: Histogram; bad: number }>();
    for (const k of Object.keys(KINDS) as Kind[]) hists.set(k, { h: latencyHistogram(), bad: 0 });
    const lctx = newContext({ window: 0, idsAhead: 0, textBytes: 0 });
    const opts: ParleyOptions = { dataDir };
    const profileDir = ctx.cpuProfile && ctx.profileDir ? path.join(ctx.profileDir, 'history') : undefined;
    if (profileDir) {
      mkdirSync(profileDir, { recursive: true });
      opts.nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
    }
    await withTarget('parley', opts, async (t) => {
      progress.stage(`history · ${users} users page through ${pages} pages each`);
      const warm = new HistoryClient(lctx, userA(0));
      await connectAll([warm], t.driver, t.url);
      await browse(warm, userB(0), pageSize, pages, () => {}); // warm the server's code paths
      warm.close();
      for (let u = 0; u < users; u++) {
        const k = Math.floor(((u + 0.5) * conversations) / users);
        const client = new HistoryClient(lctx, u % 2 === 0 ? userA(k) : userB(k));
        await connectAll([client], t.driver, t.url);
        await browse(client, u % 2 === 0 ? userB(k) : userA(k), pageSize, pages, (kind, us, ok) => {
          const e = hists.get(kind)!;
          recordUs(e.h, us);
          if (!ok) {
            e.bad++;
            countError(lctx, `history: bad page (${KINDS[kind]})`);
          }
        });
        client.close();
        progress.update((u + 1) / users, `${u + 1}/${users} users`);
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
    const result: HistoryResult = {
      kind: 'history',
      messages,
      conversations,
      seedS: seed.seconds,
      dbMiB: seed.dbMiB,
      pageSize,
      kinds,
      errors: Object.fromEntries(lctx.errors),
    };
    if (profileDir) result.profiles = collectProfiles([profileDir]);
    return result;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** History page latency (action 12 round trips) on a store holding a million messages. */
export const history: Scenario = {
  name: 'history',
  describe: 'action 12 round trips (p50/p99) on a store holding 1,000,000 messages',
  run: (ctx) => (ctx.mode === 'quick' ? measure(ctx, 20_000, 100) : measure(ctx, 1_000_000, 1000)),
};
