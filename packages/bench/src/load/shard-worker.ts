import { parentPort, workerData } from 'node:worker_threads';
import { Shard, type ShardSpec } from './shard.js';

/** A worker thread driving one shard of a load run; see shard-handle.ts for the other side. */
const shard = new Shard(workerData as ShardSpec);
type Call = { id: number; method: keyof Shard; args: unknown[] };

parentPort!.on('message', async ({ id, method, args }: Call) => {
  try {
    const fn = shard[method] as (...a: unknown[]) => unknown;
    const result = await fn.apply(shard, args);
    parentPort!.postMessage({ id, result });
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
