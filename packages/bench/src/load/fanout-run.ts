import { GROUP_CHANGE_MAX_MEMBERS } from '@parley/protocol';
import { ProcSampler, selfCpuMeter } from '../metrics/proc.js';
import type { RunningTarget } from '../targets.js';
import { connectAll, sleep, waitFor } from './connect.js';
import { newContext, nowUs } from './context.js';
import { FanoutListener, type FanoutMember, FanoutSender } from './fanout-clients.js';
import type { FanoutPartial } from './fanout-result.js';
import { FanoutTally } from './fanout-tally.js';
import { schedule } from './shard.js';

export type FanoutKind = 'group' | 'room';

export interface FanoutSpec {
  kind: FanoutKind;
  /** Member connections in the group or room, one per user, the senders included. */
  connections: number;
  /** How many of them also send. */
  senders: number;
  /** Messages per second offered over all senders (open loop, evenly spaced, round robin). */
  rate: number;
  warmupS: number;
  durationS: number;
  /** Prefix of the user ids (and the room's id), so that every round has fresh users. */
  userPrefix: string;
  textBytes?: number;
  drainTimeoutS?: number;
}

/** The server has no such conversation (a build without chat rooms): the scenario is skipped. */
export class FanoutUnsupported extends Error {}

type Progress = (fraction: number, detail: string) => void;

/** Action 13 with the first 100 members, then action 14 `add` in batches of 100 (the frame limit). */
async function createGroup(owner: FanoutMember, others: readonly string[]): Promise<string> {
  const max = GROUP_CHANGE_MAX_MEMBERS;
  const created = await owner.request(
    { action: '13', fromId: owner.userId, name: 'bench', members: others.slice(0, max) },
    '13',
  );
  if (created.action !== '13') throw new Error(`action 13 answered with action ${created.action}`);
  const groupId = created.group.id;
  for (let i = max; i < others.length; i += max) {
    await owner.request(
      { action: '14', fromId: owner.userId, toId: groupId, op: 'add', members: others.slice(i, i + max) },
      '14',
    );
  }
  return groupId;
}

/** Every connection joins the room (action 18), 500 requests in flight at a time. */
async function joinRoom(
  members: readonly FanoutMember[],
  roomId: string,
  progress?: Progress,
): Promise<void> {
  for (let i = 0; i < members.length; i += 500) {
    await Promise.all(
      members.slice(i, i + 500).map((m) => m.request({ action: '18', fromId: m.userId, toId: roomId }, '18')),
    ).catch((err: Error & { code?: string }) => {
      if (err.code === 'UNKNOWN_ACTION')
        throw new FanoutUnsupported(`action 18 (join a room): ${err.message}`);
      throw err;
    });
    progress?.(0, `joined ${Math.min(i + 500, members.length)}/${members.length}`);
  }
}

/**
 * One round against one target: connect the member connections, make them a group (or a room),
 * send at a fixed rate, measure, drain, check that every acknowledged message reached every member
 * connection but the sending one exactly once, disconnect.
 */
export async function runFanoutRound(
  target: RunningTarget,
  spec: FanoutSpec,
  progress?: Progress,
): Promise<FanoutPartial> {
  const p = spec.userPrefix;
  const perSender = spec.rate / spec.senders;
  const ctx = newContext({ window: 0, idsAhead: Math.ceil(perSender) + 10, textBytes: spec.textBytes ?? 64 });
  const senderIds = Array.from({ length: spec.senders }, (_, i) => `${p}s${i}`);
  const tally = new FanoutTally(ctx, senderIds, spec.connections);
  const senders = senderIds.map((id) => new FanoutSender(ctx, id, tally));
  const listeners = Array.from(
    { length: spec.connections - spec.senders },
    (_, i) => new FanoutListener(ctx, `${p}m${i}`, tally),
  );
  const members: FanoutMember[] = [...listeners, ...senders];
  let stopSchedule = () => {};
  try {
    progress?.(0, `connecting ${spec.connections.toLocaleString('en-US')} clients`);
    const c = await connectAll(members, target.driver, target.url, {
      concurrency: 500,
      onProgress: (d, n) => progress?.(0, `connected ${d}/${n}`),
    });
    if (c.failed > 0) throw new Error(`${c.failed} connections failed: ${c.firstError}`);
    const t0 = performance.now();
    if (spec.kind === 'group') {
      const [owner, ...rest] = members;
      const groupId = await createGroup(
        owner!,
        rest.map((m) => m.userId),
      );
      tally.setConversation(groupId);
    } else {
      tally.setConversation(`!${p}room`);
      await joinRoom(members, `!${p}room`, progress);
    }
    for (const s of senders) s.retarget(tally.conversationId);
    const setupS = (performance.now() - t0) / 1000;
    for (const s of senders) s.pump();
    if (!(await waitFor(() => senders.every((s) => s.idsReady >= Math.min(ctx.idsAhead, 10)), 30_000))) {
      throw new Error('senders did not get their message ids within 30 s');
    }

    ctx.phase = 'warmup';
    stopSchedule = schedule(senders, spec.rate);
    await sleep(spec.warmupS * 1000);
    const sampler = new ProcSampler(target.pid);
    sampler.start();
    const genCpu = selfCpuMeter();
    const m0 = performance.now();
    ctx.measureStartUs = nowUs();
    ctx.phase = 'measure';
    const end = m0 + spec.durationS * 1000;
    for (let now = m0; now < end; now = performance.now()) {
      await sleep(Math.min(250, end - now));
      const s = (performance.now() - m0) / 1000;
      progress?.(
        Math.min(1, s / spec.durationS),
        `${Math.round(ctx.counts.acked / s)} msg/s, ${Math.round(ctx.counts.delivered / s).toLocaleString('en-US')} deliveries/s`,
      );
    }
    ctx.measureEndUs = nowUs();
    ctx.phase = 'drain';
    stopSchedule();
    const measuredS = (performance.now() - m0) / 1000;
    const server = sampler.stop();
    const generatorCpuPercent = genCpu();

    progress?.(1, 'draining');
    const acked = () => senders.reduce((n, s) => n + s.ackedCount, 0);
    await waitFor(
      () => senders.every((s) => s.inflight.size === 0) && tally.complete >= acked(),
      (spec.drainTimeoutS ?? 20) * 1000,
    );
    await sleep(200); // late duplicates
    const sum = (f: (s: FanoutSender) => number) => senders.reduce((n, s) => n + f(s), 0);
    return {
      target: target.name,
      measuredS,
      connectS: c.seconds,
      setupS,
      counts: { ...ctx.counts },
      ackHist: ctx.ackHist,
      deliveryHist: ctx.e2eHist,
      allHist: tally.allHist,
      lagHist: ctx.lagHist,
      server,
      generatorCpuPercent,
      totals: {
        sent: sum((s) => s.ackedCount + s.inflight.size + s.failed),
        acked: acked(),
        refused: sum((s) => s.failed),
        delivered: tally.deliveries,
        complete: tally.complete,
      },
      integrity: tally.check(senders),
      errors: ctx.errors,
    };
  } finally {
    stopSchedule();
    ctx.phase = 'drain';
    for (const m of members) m.close();
  }
}
