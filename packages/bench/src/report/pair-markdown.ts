import type { LoadRun } from '../load/generator.js';
import { cpuPair, int, pcts, ratio, table, usPerMsg } from './format.js';

/** One way of running Parley in a two-way comparison: its name in the table and its run per level. */
export interface PairSide<L> {
  name: string;
  run: (level: L) => LoadRun;
}

/**
 * Parley measured two ways per load level, interleaved (the writer and confirm scenarios): msg/s,
 * latency and CPU per message of each, msg/s and CPU per message as ratios to the `base` side.
 */
export function pairSection<L extends { pairs: number; window: number }>(
  title: string,
  column: string,
  levels: readonly L[],
  sides: readonly [PairSide<L>, PairSide<L>],
  base: PairSide<L>,
): string {
  const rows = levels.flatMap((l) =>
    sides.map(({ name, run }) => {
      const r = run(l);
      const b = base.run(l);
      return [
        `${int(l.pairs)} pairs, window ${l.window}`,
        name,
        int(r.ackedPerSec),
        ratio(r.ackedPerSec, b.ackedPerSec),
        pcts(r.ack, 'p50', 'p99', 'max'),
        usPerMsg(r.serverCpuUsPerMsg),
        ratio(r.serverCpuUsPerMsg, b.serverCpuUsPerMsg),
        cpuPair(r),
        `${r.integrity.lost} / ${r.integrity.doubled}`,
      ];
    }),
  );
  return [
    title,
    table(
      [
        'load',
        column,
        'acked msg/s',
        `÷ ${base.name}`,
        'ack p50 / p99 / max (ms)',
        'server CPU per msg',
        `CPU per msg ÷ ${base.name}`,
        'CPU server / generator',
        'lost / doubled',
      ],
      ['---', '---', '--:', '--:', '--:', '--:', '--:', '--:', '--:'],
      rows,
    ),
  ].join('\n\n');
}
