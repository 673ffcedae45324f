import type { LoadRun } from '../load/generator.js';
import type { WriterResult } from '../scenarios/types.js';
import { cpuPair, int, pcts, ratio, table, usPerMsg } from './format.js';

/** Parley with its SQLite batches in the writer thread against inline, per load level. */
export function writerSection(w: WriterResult): string {
  const rows = w.levels.flatMap((l) => {
    const row = (name: string, r: LoadRun) => [
      `${int(l.pairs)} pairs, window ${l.window}`,
      name,
      int(r.ackedPerSec),
      ratio(r.ackedPerSec, l.inline.ackedPerSec),
      pcts(r.ack, 'p50', 'p99', 'max'),
      usPerMsg(r.serverCpuUsPerMsg),
      cpuPair(r),
      `${r.integrity.lost} / ${r.integrity.doubled}`,
    ];
    return [row('thread (default)', l.thread), row('inline (on the event loop)', l.inline)];
  });
  return [
    '### Where SQLite writes run (Parley, SQLITE_WRITER)',
    table(
      [
        'load',
        'SQLITE_WRITER',
        'acked msg/s',
        '÷ inline',
        'ack p50 / p99 / max (ms)',
        'server CPU per msg',
        'CPU server / generator',
        'lost / doubled',
      ],
      ['---', '---', '--:', '--:', '--:', '--:', '--:', '--:'],
      rows,
    ),
  ].join('\n\n');
}
