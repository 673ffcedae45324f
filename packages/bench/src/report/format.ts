import type { LoadRun } from '../load/generator.js';
import type { ProcUsage } from '../metrics/proc.js';

/** Number and table formatting shared by the Markdown reports. */

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
/** Some percentiles of a latency summary, as `a / b / c` in milliseconds. */
export const pcts = <K extends string>(summary: Record<K, number>, ...keys: K[]) =>
  keys.map((k) => ms(summary[k])).join(' / ');
export const ratio = (a: number, b: number | undefined) =>
  b && b > 0 && Number.isFinite(a) ? (a / b).toFixed(2) : '–';
export const mib = (n: number) => `${n.toFixed(0)} MiB`;
/** A share in percent, or '–' where there is none. */
export const percent = (n: number | undefined) => (n === undefined ? '–' : `${n.toFixed(n >= 10 ? 1 : 2)}%`);

export function table(head: string[], align: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );
}

export function errorsOf(errors: Record<string, number>): string {
  const total = Object.values(errors).reduce((a, b) => a + b, 0);
  return total === 0 ? '0' : `${total} (${Object.keys(errors).slice(0, 2).join('; ')})`;
}

/**
 * `server% (busiest thread%) / generator%`, flagged when the generator was saturated and the server
 * was not (the server's figures are then a floor).
 */
export function cpuPair(r: LoadRun): string {
  const flag = r.generatorBound ? ' **generator-bound**' : '';
  return `${serverCpu(r.server)} / ${r.generatorCpuPercent.toFixed(0)}%${flag}`;
}

/** `cpu%`, with the busiest thread's share when it is known: `97% (thread 95%)`. */
export function serverCpu(u: ProcUsage): string {
  const thread =
    u.busiestThreadPercent === undefined ? '' : ` (thread ${u.busiestThreadPercent.toFixed(0)}%)`;
  return `${u.cpuPercent.toFixed(0)}%${thread}`;
}

/** `server% / generator%` of time their threads waited for a CPU ('–' where the kernel does not tell). */
export function waitPair(r: LoadRun): string {
  const pct = (n: number | undefined) => (n === undefined ? '–' : `${n.toFixed(0)}%`);
  return `${pct(r.server.runQueueWaitPercent)} / ${pct(r.generatorWaitPercent)}`;
}

export const usPerMsg = (n: number) => (n > 0 ? `${n.toFixed(n >= 100 ? 0 : 1)} µs` : '–');
