import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { CpuSplit } from './thread-split.js';

let clockTicks: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux almost everywhere). */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User and system (kernel) CPU seconds in the text of a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat file. */
export function statTimes(stat: string): { user: number; system: number } {
  // The command name (field 2) is in parentheses and may contain spaces: split after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) is fields[12].
  const hz = ticksPerSecond();
  return { user: Number(fields[11]) / hz, system: Number(fields[12]) / hz };
}

/** User + system CPU seconds in the text of a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat file. */
function statCpuSeconds(stat: string): number {
  const { user, system } = statTimes(stat);
  return user + system;
}

/** User + system CPU seconds a process has used, from /proc/<pid>/stat (fields 14 and 15). */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** User and system CPU seconds of each thread of a process, by thread id (/proc/<pid>/task/<tid>/stat). */
export function threadTimes(pid: number): Map<string, { user: number; system: number }> {
  const out = new Map<string, { user: number; system: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(tid, statTimes(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** Each thread's user and system CPU seconds, by thread id. */
export type ThreadTimes = ReadonlyMap<string, { user: number; system: number }>;

/**
 * Reads a process's threads' CPU times now, and again when the function returned is called, which
 * hands both to `measure` with the seconds between them. Undefined if the process is gone.
 */
export function threadWindowMeter<R>(
  pid: number,
  measure: (before: ThreadTimes, after: ThreadTimes, elapsedS: number) => R | undefined,
): () => R | undefined {
  let before: ThreadTimes;
  try {
    before = threadTimes(pid);
  } catch {
    return () => undefined;
  }
  const start = performance.now();
  return () => {
    let after: ThreadTimes;
    try {
      after = threadTimes(pid);
    } catch {
      return undefined;
    }
    return measure(before, after, (performance.now() - start) / 1000);
  };
}

/**
 * The CPU of a process's busiest thread over a window, in percent of one core (a thread started in
 * the window counts from zero). A single-threaded server at 90% or more is at its limit whatever the
 * load generator does. Undefined if the process is gone.
 */
export function busiestThreadMeter(pid: number): () => number | undefined {
  return threadWindowMeter(pid, (before, after, elapsedS) => {
    if (elapsedS <= 0) return undefined;
    let busiest = 0;
    for (const [tid, t] of after) {
      const t0 = before.get(tid);
      busiest = Math.max(busiest, t.user + t.system - (t0 ? t0.user + t0.system : 0));
    }
    return (100 * busiest) / elapsedS;
  });
}

/** Resident set size in bytes (VmRSS), and its peak (VmHWM), from /proc/<pid>/status. */
export function rssBytes(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * Seconds the threads of a process have spent runnable but waiting for a CPU (the second field of
 * /proc/<pid>/task/<tid>/schedstat), or undefined where the kernel does not keep it.
 */
export function runQueueWaitSeconds(pid: number): number | undefined {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
      } catch {
        // the thread ended meanwhile
      }
    }
    return Number.isFinite(ns) ? ns / 1e9 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long a process's threads waited for a CPU over a window, in percent of the window (100 = one
 * thread always waiting): on a machine with more runnable threads than cores, the tail latencies
 * follow this more than the CPU time. Undefined where the kernel does not tell.
 */
export function runQueueWaitMeter(pid: number): () => number | undefined {
  const w0 = runQueueWaitSeconds(pid);
  const t0 = performance.now();
  return () => {
    const w = runQueueWaitSeconds(pid);
    const elapsedS = (performance.now() - t0) / 1000;
    return w === undefined || w0 === undefined || elapsedS <= 0 ? undefined : (100 * (w - w0)) / elapsedS;
  };
}

export interface ProcUsage {
  /** CPU used over the window, in percent of one core (200 = two cores busy). */
  cpuPercent: number;
  /** Time its threads waited for a CPU over the window, in percent (see `runQueueWaitMeter`). */
  runQueueWaitPercent?: number;
  /** CPU of its busiest thread over the window, in percent of one core (see `busiestThreadMeter`). */
  busiestThreadPercent?: number;
  /** Its CPU by thread, in percent of one core (see `CpuSplit`); one process only, not a cluster's sum. */
  cpuSplit?: CpuSplit;
  rssStartMiB: number;
  rssPeakMiB: number;
  rssEndMiB: number;
}

const MiB = 1024 * 1024;

/** Samples a process's RSS every `intervalMs` and its CPU time between `start` and `stop`. */
export class ProcSampler {
  private cpu0 = 0;
  private t0 = 0;
  private rss0 = 0;
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;
  private waited: (() => number | undefined) | undefined;
  private busiest: (() => number | undefined) | undefined;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.cpu0 = cpuSeconds(this.pid);
    this.waited = runQueueWaitMeter(this.pid);
    this.busiest = busiestThreadMeter(this.pid);
    this.t0 = performance.now();
    this.rss0 = rssBytes(this.pid).rss;
    this.peak = this.rss0;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  private sample(): number {
    try {
      const { rss } = rssBytes(this.pid);
      if (rss > this.peak) this.peak = rss;
      return rss;
    } catch {
      return this.peak; // the process is gone
    }
  }

  stop(): ProcUsage {
    clearInterval(this.timer);
    const end = this.sample();
    const elapsed = (performance.now() - this.t0) / 1000;
    let cpu = 0;
    try {
      cpu = cpuSeconds(this.pid) - this.cpu0;
    } catch {
      // the process is gone
    }
    const waitPercent = this.waited?.();
    const busiestPercent = this.busiest?.();
    return {
      cpuPercent: elapsed > 0 ? (100 * cpu) / elapsed : 0,
      ...(waitPercent !== undefined && { runQueueWaitPercent: waitPercent }),
      ...(busiestPercent !== undefined && { busiestThreadPercent: busiestPercent }),
      rssStartMiB: this.rss0 / MiB,
      rssPeakMiB: this.peak / MiB,
      rssEndMiB: end / MiB,
    };
  }
}

/** CPU use of this process (the load generator) over a window, in percent of one core. */
export function selfCpuMeter(): () => number {
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const u = process.cpuUsage(u0);
    const elapsedUs = (performance.now() - t0) * 1000;
    return elapsedUs > 0 ? (100 * (u.user + u.system)) / elapsedUs : 0;
  };
}
