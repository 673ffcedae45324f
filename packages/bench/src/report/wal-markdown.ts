import { type WalLevel, type WalResult, walLoadLabel } from '../scenarios/types.js';
import { int, table } from './format.js';

/** The B-trees shown by name; the rest are summed. */
const TOP_TREES = 8;

const perMessage = (l: WalLevel, frames: number) => (l.wal.messages > 0 ? frames / l.wal.messages : 0);

/** What Parley's commits wrote, per load: totals, then pages per table and index. */
export function walSection(w: WalResult): string {
  const totals = table(
    [
      'load',
      'acked msg/s',
      'messages stored',
      'commits',
      'pages per commit',
      'pages per message',
      'page size',
    ],
    ['---', '--:', '--:', '--:', '--:', '--:', '--:'],
    w.levels.map((l) => [
      walLoadLabel(l),
      int(l.run.ackedPerSec),
      int(l.wal.messages),
      int(l.wal.commits),
      l.wal.commits > 0 ? int(l.wal.frames / l.wal.commits) : '–',
      perMessage(l, l.wal.frames).toFixed(2),
      `${l.wal.pageSize} B`,
    ]),
  );
  const names = [...new Set(w.levels.flatMap((l) => l.wal.trees.slice(0, TOP_TREES).map((t) => t.name)))];
  const cell = (l: WalLevel, frames: number) =>
    `${l.wal.frames > 0 ? ((100 * frames) / l.wal.frames).toFixed(1) : '0.0'}% (${perMessage(l, frames).toFixed(2)})`;
  const framesOf = (l: WalLevel, name: string) => l.wal.trees.find((t) => t.name === name)?.frames ?? 0;
  const rows = names.map((n) => [`\`${n}\``, ...w.levels.map((l) => cell(l, framesOf(l, n)))]);
  rows.push([
    'the others',
    ...w.levels.map((l) =>
      cell(
        l,
        l.wal.trees.filter((t) => !names.includes(t.name)).reduce((a, t) => a + t.frames, 0),
      ),
    ),
  ]);
  const trees = table(
    ['table or index', ...w.levels.map((l) => `${walLoadLabel(l)}: share of pages (per message)`)],
    ['---', ...w.levels.map(() => '--:')],
    rows,
  );
  return [
    "### Which tables and indexes Parley's commits write (SQLite WAL frames, checkpoints off)",
    totals,
    trees,
  ].join('\n\n');
}
