import { median } from '../scenarios/calibrate.js';
import { type StoreLabRun, type StoreResult, THIS_BUILD } from '../scenarios/types.js';
import { int, ratio, table, usPerMsg } from './format.js';

/** The medians of one build's runs at one holding of ids. */
interface Cell {
  build: string;
  held: number;
  runs: StoreLabRun[];
  storeUs: number;
  cpuUs: number;
  msgPerSec: number;
  idAge: number;
}

function cells(r: StoreResult): Cell[] {
  const out: Cell[] = [];
  for (const run of r.runs) {
    let c = out.find((x) => x.build === run.build && x.held === run.held);
    if (!c) {
      c = { build: run.build, held: run.held, runs: [], storeUs: 0, cpuUs: 0, msgPerSec: 0, idAge: 0 };
      out.push(c);
    }
    c.runs.push(run);
  }
  for (const c of out) {
    c.storeUs = median(c.runs.map((x) => x.storeUsPerMsg));
    c.cpuUs = median(c.runs.map((x) => x.cpuUsPerMsg));
    c.msgPerSec = median(c.runs.map((x) => x.msgPerSec));
    c.idAge = median(c.runs.map((x) => x.idAgeMedian));
  }
  return out.sort(
    (a, b) => a.held - b.held || Number(b.build === THIS_BUILD) - Number(a.build === THIS_BUILD),
  );
}

/** The store lab's runs: per holding of ids and build, the medians, and this build ÷ the other. */
export function storeSection(r: StoreResult): string {
  const first = r.runs[0];
  if (!first) return '### The SQLite store alone\n\nNo runs.';
  const all = cells(r);
  const rows = all.map((c) => {
    const other =
      r.against && c.build === THIS_BUILD ? all.find((x) => x.held === c.held && x !== c) : undefined;
    return [
      int(c.held * 10),
      c.build,
      int(c.idAge),
      `${usPerMsg(c.storeUs)} (${c.runs.map((x) => x.storeUsPerMsg.toFixed(1)).join(', ')})`,
      other ? ratio(c.storeUs, other.storeUs) : '',
      usPerMsg(c.cpuUs),
      int(c.msgPerSec),
    ];
  });
  return [
    `### The SQLite store alone (${int(first.pairs)} pairs, ${int(first.prefill)} messages stored first, ` +
      `${int(first.measured)} measured in commits of ${first.commit})`,
    table(
      [
        'ids held per sender',
        'build',
        'median id age (ids)',
        "the store's threads per message (runs)",
        '÷ the other build',
        'the whole process per message',
        'msg/s',
      ],
      ['--:', '---', '--:', '--:', '--:', '--:', '--:'],
      rows,
    ),
    "Medians over the rounds, which alternate the builds. The store's threads are every thread but the " +
      "lab's main one: the SQLite writer, the checkpointer, and V8's background compiler; the whole process " +
      "adds the lab's own driver (the same for every build). The id age " +
      'is how many ids were handed out between a message id and the newest one when the message was sent.',
  ].join('\n\n');
}
