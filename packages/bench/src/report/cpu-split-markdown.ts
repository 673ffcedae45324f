import type { LoadRun } from '../load/generator.js';
import type { LoadLevel } from '../scenarios/types.js';
import { TARGET_LABELS } from '../targets.js';
import { table, usPerMsg } from './format.js';

/** `user + kernel` of one thread, in µs per message. */
const userKernel = (user: number, kernel: number) => `${us(user)} + ${us(kernel)}`;
/** µs per message as the CPU-by-thread tables write them. */
export const us = (n: number) => n.toFixed(n >= 100 ? 0 : 1);

/**
 * Where each server's CPU per message went, thread by thread (see `CpuSplit`): the event loop, the
 * busiest other thread (Parley's SQLite writer), and the rest. Empty when no run has the split (a
 * cluster, or a kernel without /proc).
 */
export function cpuSplitTable(levels: readonly LoadLevel[]): string {
  const rows = levels.flatMap((l) =>
    l.runs
      .filter((r): r is LoadRun & Required<Pick<LoadRun, 'serverCpuSplitUsPerMsg'>> =>
        Boolean(r.serverCpuSplitUsPerMsg),
      )
      .map((r) => {
        const s = r.serverCpuSplitUsPerMsg;
        return [
          l.label,
          TARGET_LABELS[r.target],
          usPerMsg(r.serverCpuUsPerMsg),
          userKernel(s.eventLoopUser, s.eventLoopSystem),
          userKernel(s.otherUser, s.otherSystem),
          us(s.rest),
        ];
      }),
  );
  if (rows.length === 0) return '';
  return table(
    [
      'load',
      'server',
      'server CPU per msg',
      'event loop: user + kernel (µs per msg)',
      'busiest other thread: user + kernel (µs per msg)',
      'all other threads (µs per msg)',
    ],
    ['---', '---', '--:', '--:', '--:', '--:'],
    rows,
  );
}

/** The CPU-by-thread table of a section's runs, with its lead-in (nothing if no run has the split). */
export function splitSection(levels: readonly LoadLevel[]): string[] {
  const t = cpuSplitTable(levels);
  return t
    ? [
        "Where the server's CPU per message went, by thread (the busiest other thread is Parley's SQLite writer; user time is the thread's own code, kernel time mostly its syscalls and wake-ups):",
        t,
      ]
    : [];
}
