import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sleep } from '../load/connect.js';
import type { WindowHooks } from '../load/generator.js';
import type { NativeSamples } from '../report/native-profile.js';

/** Samples per second and thread: about one per millisecond of CPU, coarse enough to stay cheap. */
export const PERF_HZ = 999;

/**
 * Node flags for a process that perf records: `--perf-basic-prof` writes the names of JIT-compiled
 * functions to /tmp/perf-<pid>.map for perf; the V8 log it also turns on goes to a temporary file
 * (`+`) instead of an `isolate-*-v8.log` per thread in the working folder.
 */
export const PERF_NODE_ARGS: readonly string[] = [
  '--perf-basic-prof',
  '--logfile=+',
  '--no-logfile-per-isolate',
];

/** Why `--perf` cannot run here, or undefined when Linux `perf` can record this machine's processes. */
export function perfUnavailable(): string | undefined {
  try {
    execFileSync('perf', ['record', '-e', 'cpu-clock', '-o', '/dev/null', '-q', '--', 'true'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    return undefined;
  } catch (err) {
    const e = err as Error & { code?: string; stderr?: string };
    if (e.code === 'ENOENT') return 'Linux perf is not installed (Debian: apt-get install linux-perf)';
    return `perf record failed: ${e.stderr?.trim().split('\n')[0] || e.message}`;
  }
}

/**
 * Records every thread of a running process with `perf record -e cpu-clock -g` (software clock
 * samples with the whole call stack) until `stop`, which then reads the samples back through
 * `perf script` into `into` and deletes the recording.
 */
export class PerfRecording {
  private constructor(
    private readonly child: ChildProcess,
    private readonly file: string,
    private readonly exited: Promise<unknown>,
  ) {}

  static async start(pid: number, file: string): Promise<PerfRecording> {
    const args = [
      'record',
      '-e',
      'cpu-clock',
      '-F',
      String(PERF_HZ),
      '-g',
      '-q',
      '-p',
      String(pid),
      '-o',
      file,
    ];
    const child = spawn('perf', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'exit');
    // perf prints nothing once it records; an early exit is its refusal
    const early = await Promise.race([exited.then(() => true), sleep(200).then(() => false)]);
    if (early) throw new Error(`perf record -p ${pid} exited at once: ${stderr.trim() || 'no reason given'}`);
    return new PerfRecording(child, file, exited);
  }

  /** Stops recording and deletes the recording unread. */
  discard(): void {
    this.child.kill('SIGKILL');
    rmSync(this.file, { force: true });
  }

  /** Stops recording and adds its samples to `into`. */
  async stop(into: NativeSamples): Promise<void> {
    this.child.kill('SIGINT');
    await this.exited;
    try {
      const script = spawn('perf', ['script', '-F', 'tid,ip,sym,dso', '-i', this.file], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const done = once(script, 'exit');
      for await (const line of createInterface({ input: script.stdout! })) into.line(line);
      into.end();
      const [code] = (await done) as [number | null];
      if (code !== 0) throw new Error(`perf script -i ${this.file} exited with ${code}`);
    } finally {
      rmSync(this.file, { force: true });
    }
  }
}

/**
 * Hooks that record the process `pid` during each measured window they are given to, adding to
 * `into`; `close` stops and deletes a recording that a failed round left running.
 */
export function perfWindows(pid: number, into: NativeSamples): WindowHooks & { close(): void } {
  let recording: PerfRecording | undefined;
  let n = 0;
  return {
    close() {
      recording?.discard();
      recording = undefined;
    },
    async start() {
      recording = await PerfRecording.start(
        pid,
        path.join(os.tmpdir(), `parley-bench-perf-${pid}-${n++}.data`),
      );
    },
    async end() {
      await recording?.stop(into);
      recording = undefined;
    },
  };
}

/** Deletes the map of JIT-compiled code that `node --perf-basic-prof` leaves behind for `pid`. */
export function removePerfMap(pid: number): void {
  rmSync(path.join('/tmp', `perf-${pid}.map`), { force: true });
}
