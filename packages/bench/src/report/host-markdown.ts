import type { GapTally } from '../host/cpu-gaps.js';
import type { HostResult } from '../scenarios/types.js';
import { ms, percent, table } from './format.js';

const perSecond = (n: number, t: GapTally) => (t.spunMs > 0 ? (n * 1000) / t.spunMs : 0);

/** The host check: per load, what its fully busy threads lost, round by round. */
export function hostSection(h: HostResult): string {
  const head = `### The machine: does it take a CPU away from a busy thread? (${h.cpus} CPUs, ${h.secondsPerRound} s per round)`;
  const rows = h.levels.map((l) => [
    l.busyCpus.toFixed(2),
    l.rounds.map((t) => percent(t.spunMs > 0 ? (100 * t.lostMs) / t.spunMs : 0)).join(', '),
    l.rounds.map((t) => perSecond(t.over1ms, t).toFixed(1)).join(', '),
    l.rounds.map((t) => String(t.over4ms)).join(', '),
    l.rounds.map((t) => `${ms(t.longestMs)} ms`).join(', '),
  ]);
  return [
    head,
    table(
      [
        'CPUs kept busy',
        'time a busy thread did not run',
        'gaps over 1 ms per second',
        'gaps over 4 ms',
        'longest gap',
      ],
      ['--:', '--:', '--:', '--:', '--:'],
      rows,
    ),
    'Each round in turn (the figures are per round). Threads that only read the clock keep CPUs busy; ' +
      'a gap between two readings is time a thread did not run, whether another thread of this machine ' +
      'had its CPU or the host took the virtual CPU back. Every latency measured while the machine was ' +
      'that busy carries such gaps.',
  ].join('\n\n');
}
