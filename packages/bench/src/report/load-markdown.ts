import type { LoadRun } from '../load/generator.js';
import type { LoadLevel } from '../scenarios/types.js';
import { TARGET_LABELS } from '../targets.js';
import {
  cpuPair,
  errorsOf,
  int,
  mib,
  ms,
  pcts,
  percent,
  ratio,
  table,
  usPerMsg,
  waitPair,
} from './format.js';

// The tables of the load scenarios: `saturation` (window mode) and `latency` (rate mode).

/** A column of a load table: its heading, its Markdown alignment, and its cell for one run. */
interface Column {
  head: string;
  align: '---' | '--:' | '--';
  cell: (r: LoadRun, level: LoadLevel) => string;
}

/** A relay's run at the same load: what Parley's figures are divided by. */
function baseline(level: LoadLevel, target: 'ws' | 'socketio'): LoadRun | undefined {
  return level.runs.find((r) => r.target === target);
}

const number = (head: string, cell: Column['cell']): Column => ({ head, align: '--:', cell });

/** Which load and which server: every load table starts with them. */
const WHO: Column[] = [
  { head: 'load', align: '---', cell: (_r, l) => l.label },
  { head: 'server', align: '---', cell: (r) => TARGET_LABELS[r.target] },
];

/** Memory and correctness: every load table ends with them. */
const CHECKS: Column[] = [
  number('server RSS peak', (r) => mib(r.server.rssPeakMiB)),
  number('lost / doubled', (r) => `${r.integrity.lost} / ${r.integrity.doubled}`),
  { head: 'errors', align: '--', cell: (r) => errorsOf(r.errors) },
];

/** One row per load and server. */
function loadTable(levels: readonly LoadLevel[], columns: readonly Column[]): string {
  const all = [...WHO, ...columns, ...CHECKS];
  return table(
    all.map((c) => c.head),
    all.map((c) => c.align),
    levels.flatMap((l) => l.runs.map((r) => all.map((c) => c.cell(r, l)))),
  );
}

/** Throughput at saturation, per load and server, with the ratios to the relays. */
export function saturationTable(levels: readonly LoadLevel[]): string {
  return loadTable(levels, [
    number('acked msg/s', (r) => int(r.ackedPerSec)),
    number('delivered msg/s', (r) => int(r.deliveredPerSec)),
    number('÷ ws relay', (r, l) => ratio(r.ackedPerSec, baseline(l, 'ws')?.ackedPerSec)),
    number('÷ Socket.IO', (r, l) => ratio(r.ackedPerSec, baseline(l, 'socketio')?.ackedPerSec)),
    number('server CPU per msg', (r) => usPerMsg(r.serverCpuUsPerMsg)),
    number('CPU per msg ÷ ws relay', (r, l) =>
      ratio(r.serverCpuUsPerMsg, baseline(l, 'ws')?.serverCpuUsPerMsg),
    ),
    number('ack p50 / p90 / p99 / p99.9 / max (ms)', (r) => pcts(r.ack, 'p50', 'p90', 'p99', 'p999', 'max')),
    number('end-to-end p50 / p99 / max (ms)', (r) => pcts(r.e2e, 'p50', 'p99', 'max')),
    number('CPU server / generator', cpuPair),
  ]);
}

/** Latencies at a fixed offered rate, per load and server, with the machine's own figures beside them. */
export function latencyTable(levels: readonly LoadLevel[]): string {
  return loadTable(levels, [
    number('delivered msg/s', (r) => int(r.deliveredPerSec)),
    number('ack p50 / p90 / p99 / p99.9 / max (ms)', (r) => pcts(r.ack, 'p50', 'p90', 'p99', 'p999', 'max')),
    number('ack p99 of each round (ms)', (r) => r.ackP99ByRound.map(ms).join(', ')),
    number('acks over 10 ms: generator / inside Parley', (r) =>
      [r.ackOver10msPercent, r.serverLatency?.ackOver10msPercent].map(percent).join(' / '),
    ),
    number('inside Parley, p99: ack / commit queue / commit (ms)', (r) => {
      const s = r.serverLatency;
      return s ? pcts(s, 'ackP99Ms', 'waitP99Ms', 'commitP99Ms') : '–';
    }),
    number('end-to-end p50 / p90 / p99 / p99.9 / max (ms)', (r) =>
      pcts(r.e2e, 'p50', 'p90', 'p99', 'p999', 'max'),
    ),
    number(
      "generator send lag p50 / p99; generator's longest GC pause (ms)",
      (r) => `${pcts(r.sendLag, 'p50', 'p99')}; ${ms(r.generatorGc.maxMs)}`,
    ),
    number('ack p99 ÷ ws relay', (r, l) => ratio(r.ack.p99, baseline(l, 'ws')?.ack.p99)),
    number('ack p99 ÷ Socket.IO', (r, l) => ratio(r.ack.p99, baseline(l, 'socketio')?.ack.p99)),
    number('server CPU per msg', (r) => usPerMsg(r.serverCpuUsPerMsg)),
    number('CPU server / generator', cpuPair),
    number('waiting for a CPU server / generator', waitPair),
  ]);
}
