import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { stopAllChildren } from '../src/process/children.js';
import { SCHED_OTHER, SCHED_RR, setRealtime, threadPolicies } from '../src/process/realtime.js';
import { Progress } from '../src/report/progress.js';
import { runInterleaved } from '../src/scenarios/interleave.js';
import { type RunningTarget, startTarget } from '../src/targets.js';

// chrt needs CAP_SYS_NICE (root here and in CI); elsewhere only the refusal can be checked.
const permitted = (() => {
  try {
    setRealtime(process.pid, true);
    setRealtime(process.pid, false);
    return true;
  } catch {
    return false;
  }
})();

const policiesOf = (pid: number) => [...threadPolicies(pid).values()];

// A node process that starts a worker thread each time a line arrives on its stdin.
function threadStarter(): ChildProcess {
  const script = `
    const { Worker } = require('node:worker_threads');
    process.stdin.on('data', () => {
      const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
      w.on('online', () => process.stdout.write('started\\n'));
    });
    process.stdout.write('ready\\n');`;
  return spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
}

async function nextLine(child: ChildProcess, line: string): Promise<void> {
  let out = '';
  while (!out.includes(line)) out += String((await once(child.stdout!, 'data'))[0]);
}

afterAll(async () => {
  await stopAllChildren(1000);
});

describe.runIf(permitted)('real-time scheduling for --realtime', () => {
  it('puts every thread of a process under SCHED_RR, threads it starts later too, and back', async () => {
    const child = threadStarter();
    try {
      await nextLine(child, 'ready');
      const before = threadPolicies(child.pid!).size;
      expect(policiesOf(child.pid!).every((p) => p === SCHED_OTHER)).toBe(true);

      setRealtime(child.pid!, true);
      child.stdin!.write('go\n');
      await nextLine(child, 'started');
      expect(threadPolicies(child.pid!).size).toBeGreaterThan(before); // the worker's threads
      expect(policiesOf(child.pid!).every((p) => p === SCHED_RR)).toBe(true);

      setRealtime(child.pid!, false);
      expect(policiesOf(child.pid!).every((p) => p === SCHED_OTHER)).toBe(true);
    } finally {
      child.kill();
    }
  });

  it('runs the servers and the generator under it during the measured rounds only', async () => {
    const seen: { server: number[]; generator: number[] }[] = [];
    let server: RunningTarget | undefined;
    class Watching extends Progress {
      override update(): void {
        if (server) seen.push({ server: policiesOf(server.pid), generator: policiesOf(process.pid) });
      }
    }
    const start = async () => {
      server = await startTarget('ws');
      return server;
    };
    const { runs } = await runInterleaved(
      [{ id: 'ws', target: 'ws', label: 'ws relay', start }],
      { pairs: 4, rate: 200, warmupS: 0.3, durationS: 1, threads: 1 },
      { mode: 'quick', targets: ['ws'], progress: new Watching(null) },
      { rounds: 1, stage: 'realtime test', realtime: true },
    );
    expect(runs[0]!.integrity.lost).toBe(0);
    expect(runs[0]!.totals.acked).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) {
      expect(s.server.every((p) => p === SCHED_RR)).toBe(true);
      expect(s.generator.every((p) => p === SCHED_RR)).toBe(true);
    }
    // the harness is back under time-sharing once the level is done
    expect(policiesOf(process.pid).every((p) => p === SCHED_OTHER)).toBe(true);
  });

  it('says why when chrt is refused (no such process here)', () => {
    expect(() => setRealtime(2 ** 22 + 12345, true)).toThrow(/--realtime: chrt -a -r -p 10 \d+ failed/);
  });
});

describe.runIf(!permitted)('real-time scheduling without CAP_SYS_NICE', () => {
  it('refuses with the reason instead of measuring without it', () => {
    expect(() => setRealtime(process.pid, true)).toThrow(/--realtime: .*CAP_SYS_NICE/);
  });
});
