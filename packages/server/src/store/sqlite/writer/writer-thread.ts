import { parentPort, workerData } from 'node:worker_threads';
import type { OutboxCapture } from '../../outbox.js';
import type { WriteOp, WriteResult } from '../../store.js';
import { SqliteStore } from '../sqlite-store.js';
import { decodeOps, encodeResults, OpFailure } from './batch-codec.js';
import { threadLog } from './thread-log.js';
import type { WriterCall, WriterData, WriterError, WriterNotice, WriterReply } from './writer-messages.js';

/**
 * The SQLite writer thread: one connection that applies every write batch, so that the statements
 * and commits of a batch run beside the event loop instead of on it. Calls are answered one at a
 * time, in the order they arrive (the event loop's commit queue sends the next batch only after
 * the previous one was answered).
 */
const data = workerData as WriterData;
const port = parentPort!;

const post = (reply: WriterReply | WriterNotice) => port.postMessage(reply);

function toWriterError(err: unknown): WriterError {
  const e = err as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' && { code: e.code }),
  };
}

let store: SqliteStore;
try {
  store = new SqliteStore({
    dataDir: data.dir,
    synchronous: data.synchronous,
    checkpointIntervalMs: data.checkpointIntervalMs,
    writer: 'inline',
    log: threadLog((line) => post({ notice: 'log', line })),
  });
} catch (err) {
  post({ id: -1, ok: false, error: toWriterError(err) });
  throw err;
}

/** The time the event loop's clock gave the batch being applied (for the capture's events). */
let batchNowMs = Date.now();
const batchClock = { now: () => batchNowMs };
let wroteEvents = false;

/** Why the batch being answered failed as a whole (it was then retried op by op). */
let batchError: WriterError | undefined;

/** Every operation in a transaction of its own: one bad operation fails alone. */
async function oneByOne(ops: readonly WriteOp[]): Promise<(WriteResult | OpFailure)[]> {
  const results: (WriteResult | OpFailure)[] = [];
  for (const op of ops) {
    try {
      results.push((await store.write([op]))[0]!);
    } catch (err) {
      results.push(new OpFailure(toWriterError(err)));
    }
  }
  return results;
}

async function answer(call: WriterCall): Promise<unknown> {
  switch (call.kind) {
    case 'write': {
      batchNowMs = call.nowMs;
      wroteEvents = false;
      batchError = undefined;
      const ops = decodeOps(call.batch);
      try {
        return encodeResults(ops, await store.write(ops));
      } catch (err) {
        // here, before any later batch, so that one connection's writes keep their order
        batchError = toWriterError(err);
        return encodeResults(ops, await oneByOne(ops));
      }
    }
    case 'outboxDelivered':
      return store.outbox.outboxDelivered(call.ids, call.nowMs);
    case 'outboxPurge':
      return store.outbox.outboxPurge(call.beforeMs, call.limit);
    case 'capture': {
      if (!call.recipe) {
        store.outbox.captureEvents(undefined);
        return null;
      }
      const mod = (await import(call.recipe.module)) as Record<string, unknown>;
      const make = mod[call.recipe.name] as (options: unknown, clock: { now(): number }) => OutboxCapture;
      store.outbox.captureEvents(make(call.recipe.options, batchClock), () => {
        wroteEvents = true;
      });
      return null;
    }
    case 'flushHeld':
      await store.flushHeld();
      return null;
    case 'ping':
      return null;
    case 'close':
      await store.close();
      return null;
  }
}

let chain = Promise.resolve();
port.on('message', (call: WriterCall) => {
  chain = chain.then(async () => {
    try {
      const value = await answer(call);
      post(
        call.kind === 'write'
          ? {
              id: call.id,
              ok: true,
              value,
              wroteEvents,
              holdsRows: store.holdsRows,
              ...(batchError && { batchError }),
            }
          : { id: call.id, ok: true, value },
      );
    } catch (err) {
      post({ id: call.id, ok: false, error: toWriterError(err) });
    }
    if (call.kind === 'close') port.close();
  });
});
