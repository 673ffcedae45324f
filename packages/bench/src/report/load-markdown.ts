import type { LoadRun } from '../load/generator.js';
import type { LoadLevel } from '../scenarios/types.js';
import { TARGET_LABELS } from '../targets.js';
import { cpuPair, errorsOf, int, mib, ms, pcts, ratio, table, usPerMsg, waitPair } from './format.js';

// The tables of the load scenarios: `saturation` (window mode) and `latency` (rate mode).

/** A relay's run at the same load: what Parley's figures are divided by. */
function baseline(level: LoadLevel, target: 'ws' | 'socketio'): LoadRun | undefined {
  return level.runs.find((r) => r.target === target);
}

/** Throughput at saturation, per load and server, with the ratios to the relays. */
export function saturationTable(levels: readonly LoadLevel[]): string {
  const rows = levels.flatMap((l) =>
    l.runs.map((r) => [
      l.label,
      TARGET_LABELS[r.target],
      int(r.ackedPerSec),
      int(r.deliveredPerSec),
      ratio(r.ackedPerSec, baseline(l, 'ws')?.ackedPerSec),
      ratio(r.ackedPerSec, baseline(l, 'socketio')?.ackedPerSec),
      usPerMsg(r.serverCpuUsPerMsg),
      ratio(r.serverCpuUsPerMsg, baseline(l, 'ws')?.serverCpuUsPerMsg),
      pcts(r.ack, 'p50', 'p90', 'p99', 'p999', 'max'),
      pcts(r.e2e, 'p50', 'p99', 'max'),
      cpuPair(r),
      mib(r.server.rssPeakMiB),
      `${r.integrity.lost} / ${r.integrity.doubled}`,
      errorsOf(r.errors),
    ]),
  );
  return table(
    [
      'load',
      'server',
      'acked msg/s',
      'delivered msg/s',
      '÷ ws relay',
      '÷ Socket.IO',
      'server CPU per msg',
      'CPU per msg ÷ ws relay',
      'ack p50 / p90 / p99 / p99.9 / max (ms)',
      'end-to-end p50 / p99 / max (ms)',
      'CPU server / generator',
      'server RSS peak',
      'lost / doubled',
      'errors',
    ],
    ['---', '---', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--'],
    rows,
  );
}

/** Latencies at a fixed offered rate, per load and server, with the machine's own figures beside them. */
export function latencyTable(levels: readonly LoadLevel[]): string {
  const rows = levels.flatMap((l) =>
    l.runs.map((r) => [
      l.label,
      TARGET_LABELS[r.target],
      int(r.deliveredPerSec),
      pcts(r.ack, 'p50', 'p90', 'p99', 'p999', 'max'),
      pcts(r.e2e, 'p50', 'p90', 'p99', 'p999', 'max'),
      `${pcts(r.sendLag, 'p50', 'p99')}; ${ms(r.generatorGc.maxMs)}`,
      ratio(r.ack.p99, baseline(l, 'ws')?.ack.p99),
      ratio(r.ack.p99, baseline(l, 'socketio')?.ack.p99),
      usPerMsg(r.serverCpuUsPerMsg),
      cpuPair(r),
      waitPair(r),
      mib(r.server.rssPeakMiB),
      `${r.integrity.lost} / ${r.integrity.doubled}`,
      errorsOf(r.errors),
    ]),
  );
  return table(
    [
      'load',
      'server',
      'delivered msg/s',
      'ack p50 / p90 / p99 / p99.9 / max (ms)',
      'end-to-end p50 / p90 / p99 / p99.9 / max (ms)',
      "generator send lag p50 / p99; generator's longest GC pause (ms)",
      'ack p99 ÷ ws relay',
      'ack p99 ÷ Socket.IO',
      'server CPU per msg',
      'CPU server / generator',
      'waiting for a CPU server / generator',
      'server RSS peak',
      'lost / doubled',
      'errors',
    ],
    ['---', '---', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--'],
    rows,
  );
}
