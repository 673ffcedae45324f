import type { GapTally } from '../host/cpu-gaps.js';
import { busyCpus, hostLoads, machineCpus, runHostLoad } from '../host/host-check.js';
import type { HostLevel, Scenario } from './types.js';

/**
 * Does the machine itself take a CPU away from a busy thread, and at how much load? Threads that
 * only read the clock keep every CPU but the last busy, and the last one idle, then busy half,
 * three quarters and all of the time; each gap in a fully busy thread's readings is time it did
 * not run. On an idle machine a thread alone on a CPU should see none. A virtual machine whose
 * host takes its CPUs back when it uses them all shows gaps of many milliseconds there, which add
 * to every latency measured at that load (docs/benchmarks.md, the twenty-fourth pass of issue 14).
 */
export const host: Scenario = {
  name: 'host',
  describe:
    'whether the machine takes a CPU away from a busy thread: every CPU but one busy, and the last idle, half, three quarters and all of the time',
  async run(ctx) {
    const quick = ctx.mode === 'quick';
    const rounds = quick ? 1 : 2;
    const durationMs = (ctx.durationS ?? (quick ? 0.5 : 8)) * 1000;
    const loads = hostLoads(machineCpus());
    const byLoad: GapTally[][] = loads.map(() => []);
    // the loads in turn, round after round: a host's own load drifts over minutes
    for (let r = 0; r < rounds; r++)
      for (const [i, load] of loads.entries()) {
        ctx.progress.stage(`host · ${busyCpus(load)} CPUs busy · round ${r + 1}/${rounds}`);
        byLoad[i]!.push(await runHostLoad(load, durationMs));
      }
    const levels: HostLevel[] = loads.map((load, i) => ({ busyCpus: busyCpus(load), rounds: byLoad[i]! }));
    return { kind: 'host', cpus: machineCpus(), secondsPerRound: durationMs / 1000, levels };
  },
};
