import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { benchDir } from '../paths.js';
import { addGaps, type GapTally, NO_GAPS } from './cpu-gaps.js';

const SPINNER = path.join(benchDir, 'dist/host/spinner-thread.js');

/** How busy the host check keeps the machine: `cpus − 1` threads all the time, one more for `share`. */
export interface HostLoad {
  cpus: number;
  share: number;
}

/** CPUs kept busy by a load (its threads' shares added up). */
export const busyCpus = (l: HostLoad) => l.cpus - 1 + l.share;

/** The loads of the host check on a machine of `cpus` CPUs: the last CPU idle, busy half, three quarters and all of the time. */
export function hostLoads(cpus: number): HostLoad[] {
  return [0, 0.5, 0.75, 1].map((share) => ({ cpus, share }));
}

/** The gaps the fully busy threads of one load saw, over `durationMs`. */
export async function runHostLoad(load: HostLoad, durationMs: number): Promise<GapTally> {
  if (!existsSync(SPINNER)) throw new Error('the bench is not built: run `npm run build` first');
  const shares = [...Array.from({ length: load.cpus - 1 }, () => 1), load.share].filter((s) => s > 0);
  const tallies = await Promise.all(shares.map((share) => spinIn(durationMs, share)));
  // a thread busy only part of the time sleeps in every cycle: its gaps are not comparable
  return tallies.filter((_, i) => shares[i] === 1).reduce(addGaps, NO_GAPS);
}

function spinIn(durationMs: number, share: number): Promise<GapTally> {
  return new Promise((resolve, reject) => {
    const w = new Worker(SPINNER, { workerData: { durationMs, share } });
    w.once('message', (t: GapTally) => resolve(t));
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`host check thread exited (${code})`));
    });
  });
}

export const machineCpus = () => os.availableParallelism();
