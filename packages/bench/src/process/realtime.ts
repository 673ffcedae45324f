import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The real-time priority `--realtime` gives the generator and the servers (SCHED_RR; 1 is the lowest). */
export const REALTIME_PRIORITY = 10;

/** Linux scheduling policies, as /proc/<pid>/task/<tid>/stat reports them (field 41). */
export const SCHED_OTHER = 0;
export const SCHED_RR = 2;

/**
 * Puts every thread of a process under round-robin real-time scheduling at REALTIME_PRIORITY
 * (`chrt -a -r`), or back under the default time-sharing policy. Threads the process starts later
 * inherit the policy of the thread that starts them. Needs CAP_SYS_NICE; throws with chrt's reason
 * when it is refused (a run asked for `--realtime` must not quietly measure without it).
 *
 * Why: on a small machine the kernel's time-sharing makes a woken thread wait behind a running one,
 * and the generator's threads and the server's take turns on the same CPUs. Under SCHED_RR a woken
 * thread takes an idle CPU at once, so what remains of a tail is the servers' own work and queueing
 * (docs/benchmarks.md, the eleventh pass of issue 14). The kernel's real-time throttling (95% of
 * each second by default) keeps a busy real-time thread from locking up the machine.
 */
export function setRealtime(pid: number, on: boolean): void {
  const args = on
    ? ['-a', '-r', '-p', String(REALTIME_PRIORITY), String(pid)]
    : ['-a', '-o', '-p', '0', String(pid)];
  try {
    execFileSync('chrt', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    const reason = e.stderr?.trim() || e.message;
    throw new Error(`--realtime: chrt ${args.join(' ')} failed (it needs CAP_SYS_NICE): ${reason}`);
  }
}

/** The scheduling policy of each thread of a process (SCHED_OTHER, SCHED_RR, ...), by thread id. */
export function threadPolicies(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // fields after the command name (field 2, in parentheses) start at field 3: policy (41) is [38]
      out.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]));
    } catch {
      // the thread ended
    }
  }
  return out;
}
