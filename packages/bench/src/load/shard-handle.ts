import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ConnectOutcome } from './connect.js';
import { Shard, type ShardProgress, type ShardResult, type ShardSpec } from './shard.js';

/** A shard driven from the generator, in this thread or in a worker thread. */
export interface ShardHandle {
  connect(): Promise<ConnectOutcome>;
  prefetch(timeoutMs: number): Promise<boolean>;
  start(): Promise<void>;
  measure(): Promise<void>;
  stop(): Promise<void>;
  progress(): Promise<ShardProgress>;
  drain(timeoutMs: number): Promise<void>;
  result(): Promise<ShardResult>;
  close(): Promise<void>;
}

type Method = keyof ShardHandle;

function localShard(spec: ShardSpec): ShardHandle {
  const shard = new Shard(spec);
  return {
    connect: () => shard.connect(),
    prefetch: (ms) => shard.prefetch(ms),
    start: async () => shard.start(),
    measure: async () => shard.measure(),
    stop: async () => shard.stop(),
    progress: async () => shard.progress(),
    drain: (ms) => shard.drain(ms),
    result: async () => shard.result(),
    close: async () => shard.close(),
  };
}

const WORKER = fileURLToPath(new URL('./shard-worker.js', import.meta.url));

function workerShard(spec: ShardSpec): ShardHandle {
  const worker = new Worker(WORKER, { workerData: spec });
  let nextId = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) w?.reject(new Error(m.error));
    else w?.resolve(m.result);
  });
  const fail = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`load worker exited (${code})`)));
  const call =
    <T>(method: Method) =>
    (...args: unknown[]): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, method, args });
      });
  return {
    connect: call('connect'),
    prefetch: call('prefetch'),
    start: call('start'),
    measure: call('measure'),
    stop: call('stop'),
    progress: call('progress'),
    drain: call('drain'),
    result: call('result'),
    close: async () => {
      try {
        await call('close')();
      } finally {
        await worker.terminate();
      }
    },
  };
}

/** In-thread for one shard, worker threads for more (which needs the built worker script). */
export function openShard(spec: ShardSpec, threaded: boolean): ShardHandle {
  if (threaded && existsSync(WORKER)) return workerShard(spec);
  return localShard(spec);
}
