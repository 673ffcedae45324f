import type { LoadRun } from '../load/run-result.js';
import { HISTORY_THIS_BUILD, type HostResult } from '../scenarios/types.js';
import { percent } from './format.js';
import type { BenchResults } from './results.js';

export interface GoalRow {
  goal: string;
  measured: string;
  target: string;
  met: boolean | undefined;
}

/** The ack p99 target at half of Parley's saturation rate, in ms. */
export const ACK_P99_TARGET_MS = 10;

/**
 * What the machine allows at the same offered rate: the bare relay's ack p99, the generator's own
 * send lag and its longest garbage collection pause (both part of every ack time). When the relay
 * misses the target too, the row says so, and under which scheduling: under the kernel's default
 * time-sharing much of the relay's tail is its threads and the generator's waiting for each other's
 * turn on the same CPUs, which `--realtime` takes out (the verdict stays Parley's own figure).
 */
export function latencyFloor(ws: LoadRun | undefined, realtime = false): string {
  if (!ws) return '';
  const relay =
    `${realtime ? 'under real-time scheduling, ' : ''}` +
    `the ws relay ${ws.ack.p99.toFixed(2)} ms, the generator's send lag p99 ${ws.sendLag.p99.toFixed(2)} ms` +
    ` and its longest GC pause ${ws.generatorGc.maxMs.toFixed(2)} ms`;
  if (ws.ack.p99 < ACK_P99_TARGET_MS) return ` (${relay})`;
  return realtime
    ? ` (${relay}: the bare relay misses the target too, so this machine's floor is above it)`
    : ` (${relay}: the bare relay misses the target too under the default scheduler; --realtime shows the servers without the kernel's time-sharing)`;
}

/**
 * How much of Parley's tail it timed itself (`serverLatency`, from its `/metrics`): the share of acks
 * over 10 ms inside the server beside the generator's, and the server's own p99 with its part
 * in the store. Empty without those figures.
 */
export function insideNote(parley: LoadRun): string {
  const s = parley.serverLatency;
  if (!s) return '';
  return (
    `; acks over 10 ms: ${percent(parley.ackOver10msPercent)} as the generator saw them, ` +
    `${percent(s.ackOver10msPercent)} inside Parley (its own ack p99 ${s.ackP99Ms.toFixed(1)} ms, ` +
    `its commit's p99 ${s.commitP99Ms.toFixed(1)} ms)`
  );
}

/**
 * Where Parley's CPU per message differs from the relay's, by thread (see `CpuSplit`): its event
 * loop against the relay's, and what its other threads (the SQLite writer above all) add. Empty
 * unless both runs have the split.
 */
export function cpuSplitNote(parley: LoadRun, ws: LoadRun): string {
  const p = parley.serverCpuSplitUsPerMsg;
  const w = ws.serverCpuSplitUsPerMsg;
  if (!p || !w) return '';
  const loop = (x: typeof p) => (x.eventLoopUser + x.eventLoopSystem).toFixed(1);
  const others = p.otherUser + p.otherSystem + p.rest;
  return (
    `; CPU per message: Parley's event loop ${loop(p)} µs against the relay's ${loop(w)} µs,` +
    ` its writer and other threads ${others.toFixed(1)} µs more`
  );
}

/**
 * What the machine took from a busy thread with all its CPUs busy (`--scenario host`), beside the
 * ack p99: a machine that takes a CPU away for milliseconds puts such gaps into every tail measured
 * at that load. Empty when the host check did not run.
 */
export function hostNote(h: HostResult | undefined): string {
  const all = h?.levels[h.levels.length - 1];
  if (!all || all.rounds.length === 0) return '';
  const longest = Math.max(...all.rounds.map((t) => t.longestMs));
  const over4 = all.rounds.reduce((n, t) => n + t.over4ms, 0);
  return (
    `; this machine, all ${all.busyCpus} CPUs busy: a busy thread's longest gap ${longest.toFixed(1)} ms, ` +
    `${over4} gaps over 4 ms in ${all.rounds.length} × ${h!.secondsPerRound} s (host)`
  );
}

/** Parley's figures against the project's targets (only for the scenarios that ran). */
export function goals(r: BenchResults): GoalRow[] {
  const rows: GoalRow[] = [];
  const s = r.scenarios;
  for (const sat of s.saturation?.kind === 'saturation' ? s.saturation.levels : []) {
    const parley = sat.runs.find((x) => x.target === 'parley');
    const ws = sat.runs.find((x) => x.target === 'ws');
    if (!parley || !ws) continue;
    const q = parley.ackedPerSec / ws.ackedPerSec;
    const thread = ws.server.busiestThreadPercent;
    const bound = ws.generatorBound
      ? '; the relay was generator-bound, so this is an upper bound'
      : thread !== undefined
        ? `; the relay's thread at ${thread.toFixed(0)}% of a core`
        : '';
    rows.push({
      goal: `durable 1:1 throughput ÷ bare ws relay (${sat.label})`,
      measured: `${q.toFixed(2)} (${Math.round(parley.ackedPerSec)} vs ${Math.round(ws.ackedPerSec)} msg/s${bound}${cpuSplitNote(parley, ws)})`,
      target: '≥ 0.6 (aim 0.8)',
      met: q >= 0.6,
    });
  }
  const latencyResult = s.latency?.kind === 'latency' ? s.latency : undefined;
  const levels = latencyResult?.levels ?? [];
  const lat =
    levels.find((l) => l.label === latencyResult?.probe?.halfSaturation) ??
    levels.find((l) => l.offeredPerSec === 10_000) ??
    levels[levels.length - 1];
  const lp = lat?.runs.find((x) => x.target === 'parley');
  if (lat && lp) {
    const probe = latencyResult?.probe;
    const half =
      probe && lat.label === probe.halfSaturation
        ? ` (half of Parley's ${Math.round(probe.ackedPerSec).toLocaleString('en-US')} msg/s saturation)`
        : '';
    rows.push({
      goal: `ack p99 at ${lat.label}${half}`,
      measured: `${lp.ack.p99.toFixed(2)} ms${latencyFloor(
        lat.runs.find((x) => x.target === 'ws'),
        latencyResult?.realtime === true,
      )}${insideNote(lp)}${hostNote(s.host?.kind === 'host' ? s.host : undefined)}`,
      target: `< ${ACK_P99_TARGET_MS} ms`,
      met: lp.ack.p99 < ACK_P99_TARGET_MS,
    });
  }
  if (s['idle-memory']?.kind === 'idle') {
    const idle = s['idle-memory'].rows.filter((x) => x.target === 'parley');
    const biggest = idle.sort((a, b) => b.connections - a.connections)[0];
    if (biggest) {
      const kib = biggest.bytesPerConnection / 1024;
      rows.push({
        goal: `server RSS per idle connected user at ${biggest.connections.toLocaleString('en-US')} connections`,
        measured: `${kib.toFixed(1)} KiB`,
        target: '≤ 8 KiB',
        met: kib <= 8,
      });
    }
  }
  if (s.history?.kind === 'history') {
    for (const st of s.history.stores.filter((x) => x.build === HISTORY_THIS_BUILD)) {
      const worst = Math.max(...st.kinds.map((k) => k.p99));
      rows.push({
        goal: `history page p99 on ${st.messages.toLocaleString('en-US')} messages, ${st.store} (worst query kind)`,
        measured: `${worst.toFixed(2)} ms`,
        target: '< 2 ms',
        met: worst < 2,
      });
    }
  }
  rows.push({
    goal: 'lost / doubled messages, all scenarios',
    measured: `${r.integrity.lost} / ${r.integrity.doubled}`,
    target: '0 / 0',
    met: r.integrity.lost === 0 && r.integrity.doubled === 0,
  });
  return rows;
}

export function goalsMarkdown(r: BenchResults): string {
  const mark = (m: boolean | undefined) => (m === undefined ? '' : m ? 'yes' : '**no**');
  const lines = ['| goal | measured | target | met |', '|---|--:|--:|:-:|'];
  for (const g of goals(r)) lines.push(`| ${g.goal} | ${g.measured} | ${g.target} | ${mark(g.met)} |`);
  return lines.join('\n');
}
