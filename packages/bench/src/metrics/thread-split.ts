import { type ThreadTimes, threadWindowMeter } from './proc.js';

/**
 * Where a server process's CPU went, thread by thread: its main thread (the event loop), its
 * busiest other thread (Parley's SQLite writer; for a relay, a V8 or libuv helper), and the rest
 * together (V8's GC helpers, libuv's pool, Parley's checkpointer). User and system (kernel) time are
 * apart for the two named threads: the kernel's part is mostly syscalls (a socket's `writev`, a WAL
 * frame's `pwrite`) and the wake-ups of a thread that waited.
 *
 * The unit is the holder's: `ProcUsage.cpuSplit` in percent of one core over the window,
 * `LoadRun.serverCpuSplitUsPerMsg` in µs per acknowledged message.
 */
export interface CpuSplit {
  eventLoopUser: number;
  eventLoopSystem: number;
  otherUser: number;
  otherSystem: number;
  rest: number;
}

/**
 * The split of `mainTid`'s process over a window, from the threads' CPU seconds at its start and
 * end, in percent of one core. A thread that started in the window counts from zero; one that ended
 * in it is missing from `after` and its time is lost (the servers here keep their threads).
 */
export function splitOf(
  mainTid: string,
  before: ThreadTimes,
  after: ThreadTimes,
  elapsedS: number,
): CpuSplit {
  const split: CpuSplit = { eventLoopUser: 0, eventLoopSystem: 0, otherUser: 0, otherSystem: 0, rest: 0 };
  if (elapsedS <= 0) return split;
  const pct = (seconds: number) => (100 * Math.max(0, seconds)) / elapsedS;
  let busiest: { user: number; system: number } | undefined;
  let others = 0;
  for (const [tid, t1] of after) {
    const t0 = before.get(tid) ?? { user: 0, system: 0 };
    const used = { user: t1.user - t0.user, system: t1.system - t0.system };
    if (tid === mainTid) {
      split.eventLoopUser = pct(used.user);
      split.eventLoopSystem = pct(used.system);
      continue;
    }
    others += used.user + used.system;
    if (!busiest || used.user + used.system > busiest.user + busiest.system) busiest = used;
  }
  if (busiest) {
    split.otherUser = pct(busiest.user);
    split.otherSystem = pct(busiest.system);
    split.rest = pct(others - busiest.user - busiest.system);
  }
  return split;
}

/** Measures a process's split from now to the call of the function returned (undefined if it is gone). */
export function cpuSplitMeter(pid: number): () => CpuSplit | undefined {
  return threadWindowMeter(pid, (before, after, elapsedS) => splitOf(String(pid), before, after, elapsedS));
}

/** Each part of `split` times `factor`. */
export function scaleSplit(split: CpuSplit, factor: number): CpuSplit {
  return {
    eventLoopUser: split.eventLoopUser * factor,
    eventLoopSystem: split.eventLoopSystem * factor,
    otherUser: split.otherUser * factor,
    otherSystem: split.otherSystem * factor,
    rest: split.rest * factor,
  };
}

/** The parts of several splits added up. */
export function addSplits(splits: readonly CpuSplit[]): CpuSplit {
  const sum = (k: keyof CpuSplit) => splits.reduce((a, s) => a + s[k], 0);
  return {
    eventLoopUser: sum('eventLoopUser'),
    eventLoopSystem: sum('eventLoopSystem'),
    otherUser: sum('otherUser'),
    otherSystem: sum('otherSystem'),
    rest: sum('rest'),
  };
}
