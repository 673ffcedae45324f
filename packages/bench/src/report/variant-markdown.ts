import type { LoadRun } from '../load/generator.js';
import type {
  AgainstResult,
  AgedRateLevel,
  AgedResult,
  ConfirmResult,
  WriterResult,
} from '../scenarios/types.js';
import { us } from './cpu-split-markdown.js';
import { int, ms, pcts, percent, ratio, table, usPerMsg, waitPair } from './format.js';
import { type PairSide, pairSection } from './pair-markdown.js';

type WriterLevel = WriterResult['levels'][number];
type ConfirmLevel = ConfirmResult['levels'][number];
type AgedLevel = AgedResult['levels'][number];
type AgainstLevel = AgainstResult['levels'][number];

/** Parley with its SQLite batches in the writer thread against inline, per load level. */
export function writerSection(w: WriterResult): string {
  const inline: PairSide<WriterLevel> = { name: 'inline', run: (l) => l.inline };
  return pairSection(
    '### Where SQLite writes run (Parley, SQLITE_WRITER)',
    'SQLITE_WRITER',
    w.levels,
    [{ name: 'thread (default)', run: (l) => l.thread }, inline],
    inline,
  );
}

/** Parley with recipients confirming each message against confirming through a position. */
export function confirmSection(c: ConfirmResult): string {
  const each: PairSide<ConfirmLevel> = { name: 'each', run: (l) => l.each };
  return pairSection(
    '### How recipients confirm (Parley: one action 4 per message, or one action 22 every 200 ms)',
    'confirmations',
    c.levels,
    [each, { name: 'through (the SDK)', run: (l) => l.through }],
    each,
  );
}

/** Parley over users with long histories against fresh users, per load level. */
export function agedSection(a: AgedResult): string {
  const fresh: PairSide<AgedLevel> = { name: 'fresh users', run: (l) => l.fresh };
  const seeded = a.levels.map(
    ({ pairs, seeded: s }) =>
      `${int(pairs)} pairs: ${int(s.messages)} messages (${int(s.entries)} timeline entries, ` +
      `${s.dbMiB.toFixed(1)} MiB), seeded in ${s.seconds.toFixed(1)} s`,
  );
  return [
    pairSection(
      '### Long histories (Parley at saturation, users with stored messages vs fresh users)',
      'users',
      a.levels,
      [fresh, { name: `${int(a.messagesPerPair)} messages per pair stored`, run: (l) => l.aged }],
      fresh,
    ),
    `The aged stores, one per level, for the users of every round: ${seeded.join('; ')}.`,
    ...(a.rate ? [agedRateSection(a.rate, `${int(a.messagesPerPair)} messages per pair stored`)] : []),
  ].join('\n\n');
}

/** The aged scenario's fixed-rate level: latency and CPU by thread, fresh users against aged ones. */
function agedRateSection(r: AgedRateLevel, agedName: string): string {
  const s = r.seeded;
  return [
    `### Long histories at half of saturation (${int(r.pairs)} pairs, ${int(r.offeredPerSec)} msg/s offered: ` +
      `half of the fresh users' rate above${realtimeNote(r.realtime)})`,
    rateTable(
      'users',
      [
        ['fresh users', r.fresh],
        [agedName, r.aged],
      ],
      'fresh users',
    ),
    `Its aged store: ${int(s.messages)} messages (${int(s.entries)} timeline entries, ${s.dbMiB.toFixed(1)} MiB), seeded in ${s.seconds.toFixed(1)} s.`,
  ].join('\n\n');
}

const realtimeNote = (realtime: boolean) => (realtime ? '; under real-time scheduling, `--realtime`' : '');

/**
 * Two variants at one fixed rate: latency (each round's p99 too) and CPU by thread, the second
 * side's CPU per message as a ratio to the first's (`baseName`).
 */
function rateTable(column: string, sides: readonly (readonly [string, LoadRun])[], baseName: string): string {
  const base = sides[0]![1];
  const split = (run: LoadRun) => {
    const s = run.serverCpuSplitUsPerMsg;
    return s
      ? `${us(s.eventLoopUser + s.eventLoopSystem)} + ${us(s.otherUser + s.otherSystem)} + ${us(s.rest)}`
      : '–';
  };
  const rows = sides.map(([name, run]) => [
    name,
    int(run.deliveredPerSec),
    pcts(run.ack, 'p50', 'p90', 'p99', 'max'),
    run.ackP99ByRound.map(ms).join(', '),
    [run.ackOver10msPercent, run.serverLatency?.ackOver10msPercent].map(percent).join(' / '),
    usPerMsg(run.serverCpuUsPerMsg),
    ratio(run.serverCpuUsPerMsg, base.serverCpuUsPerMsg),
    split(run),
    waitPair(run),
    `${run.integrity.lost} / ${run.integrity.doubled}`,
  ]);
  return table(
    [
      column,
      'delivered msg/s',
      'ack p50 / p90 / p99 / max (ms)',
      'ack p99 of each round (ms)',
      'acks over 10 ms: generator / inside Parley',
      'server CPU per msg',
      `÷ ${baseName}`,
      'event loop + writer + rest (µs per msg)',
      'waiting for a CPU server / generator',
      'lost / doubled',
    ],
    ['---', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:'],
    rows,
  );
}

/** This checkout's Parley against another build of it, per load level (nothing when skipped). */
export function againstSection(a: AgainstResult): string {
  if (a.skipped !== undefined) return `### Against another build\n\nskipped: ${a.skipped}`;
  const other: PairSide<AgainstLevel> = { name: 'the other build', run: (l) => l.other };
  const saturation = pairSection(
    `### Against another build (${a.against}${a.commit === undefined ? '' : `, commit ${a.commit}`})`,
    'build',
    a.levels,
    [{ name: 'this checkout', run: (l) => l.current }, other],
    other,
  );
  if (!a.rate) return saturation;
  const r = a.rate;
  return [
    saturation,
    `### Against another build at half of saturation (${int(r.pairs)} pairs, ${int(r.offeredPerSec)} msg/s offered: ` +
      `half of the other build's rate above${realtimeNote(r.realtime)})`,
    rateTable(
      'build',
      [
        ['the other build', r.other],
        ['this checkout', r.current],
      ],
      'the other build',
    ),
  ].join('\n\n');
}
