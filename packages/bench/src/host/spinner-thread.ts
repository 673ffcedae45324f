import { parentPort, workerData } from 'node:worker_threads';
import { spin } from './cpu-gaps.js';

/** A worker thread of the host check: keeps its CPU busy as told and answers with the gaps it saw. */
const { durationMs, share } = workerData as { durationMs: number; share: number };
parentPort!.postMessage(spin(durationMs, share));
