import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { compiledModuleUrl } from '../../../threads/compiled-module.js';
import type { WriteOp, WriteResult } from '../../store.js';
import { decodeResults, encodeOps } from './batch-codec.js';
import { relayLine } from './thread-log.js';
import type { WriterCall, WriterData, WriterError, WriterNotice, WriterReply } from './writer-messages.js';

/** A call as the event loop builds it: the id is added when it is posted. */
type NewCall = WriterCall extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;

interface InFlight {
  resolve: (reply: Extract<WriterReply, { ok: true }>) => void;
  reject: (err: Error) => void;
}

/** An error of the writer thread, rebuilt on the event loop with its name and code. */
export class WriterThreadError extends Error {
  readonly code: string | undefined;
  constructor(e: WriterError) {
    super(e.message);
    this.name = e.name;
    this.code = e.code;
  }
}

/**
 * The event loop's side of the SQLite writer thread (`writer-thread.ts`). Every call is answered
 * in order. If the thread dies (a crash, an out-of-memory), every call in flight fails with an
 * error (nothing in flight is acknowledged to anyone) and the next call starts a new thread.
 */
export class ThreadedWriter {
  private worker: Worker | undefined;
  private readonly inFlight = new Map<number, InFlight>();
  private nextId = 1;
  private closing = false;
  /** Calls that set up the thread again after a restart (the outbox capture). */
  private setup: NewCall | undefined;

  constructor(
    private readonly data: WriterData,
    private readonly log?: Logger,
  ) {}

  /** Applies a batch in the writer thread; resolves after its transaction committed. */
  async write(
    ops: readonly WriteOp[],
    nowMs: number,
  ): Promise<{ results: WriteResult[]; wroteEvents: boolean; holdsRows: boolean }> {
    const reply = await this.call({ kind: 'write', batch: encodeOps(ops), nowMs });
    if (reply.batchError)
      this.log?.error(
        { err: reply.batchError, ops: ops.length },
        'group commit failed; the writer thread retried its operations one by one',
      );
    // a failed operation's place holds its Error (the commit queue fails that caller alone)
    const results = decodeResults(ops, reply.value as unknown[], (e) => new WriterThreadError(e));
    return {
      results: results as WriteResult[],
      wroteEvents: reply.wroteEvents === true,
      holdsRows: reply.holdsRows !== false,
    };
  }

  /** Sends a call now and again to every new thread (before anything else it is sent). */
  async configure(call: NewCall): Promise<void> {
    this.setup = call;
    await this.call(call);
  }

  async call(call: NewCall): Promise<Extract<WriterReply, { ok: true }>> {
    if (this.closing && call.kind !== 'close') throw new Error('the SQLite store is closed');
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.inFlight.size === 0) worker.ref();
      this.inFlight.set(id, { resolve, reject });
      worker.postMessage({ ...call, id } as WriterCall);
    });
  }

  /** Finishes what was sent, closes the writer's connection and ends the thread. */
  async close(): Promise<void> {
    if (this.closing || !this.worker) {
      this.closing = true;
      return;
    }
    const worker = this.worker;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.closing = true;
    await this.call({ kind: 'close' }).catch(() => {});
    worker.ref();
    await exited;
  }

  /** Starts the thread now rather than at the first call. */
  start(): void {
    this.thread();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    const url = new URL(compiledModuleUrl(new URL(`./writer-thread.${ext}`, import.meta.url).href));
    const worker = new Worker(url, { workerData: this.data });
    worker.unref(); // held only while calls are in flight (see `call`)
    this.worker = worker;
    worker.on('message', (m: WriterReply | WriterNotice) => {
      if ('notice' in m) relayLine(this.log, m.line);
      else this.settle(m);
    });
    worker.on('error', (err) => {
      this.log?.error({ err }, 'SQLite writer thread failed');
      this.fail(worker, err);
    });
    worker.on('exit', (code) => {
      if (!this.closing)
        this.log?.error({ code }, 'SQLite writer thread exited; the next write starts a new one');
      this.fail(worker, new Error(`the SQLite writer thread exited (code ${code})`));
    });
    if (this.setup) {
      worker.ref();
      const id = this.nextId++;
      this.inFlight.set(id, {
        resolve: () => {},
        reject: (err) =>
          this.log?.error({ err }, 'SQLite writer thread: setting up the outbox capture failed'),
      });
      worker.postMessage({ ...this.setup, id } as WriterCall);
    }
    return worker;
  }

  private settle(reply: WriterReply): void {
    if (reply.id === -1 && !reply.ok) {
      // the thread could not open the database: it exits, and every call in flight fails
      this.log?.error({ err: reply.error }, 'SQLite writer thread could not open the database');
      return;
    }
    const entry = this.inFlight.get(reply.id);
    if (!entry) return;
    this.inFlight.delete(reply.id);
    if (this.inFlight.size === 0) this.worker?.unref();
    if (reply.ok) entry.resolve(reply);
    else entry.reject(new WriterThreadError(reply.error));
  }

  /** The thread is gone: whatever it was asked and did not answer fails. */
  private fail(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const entries = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const e of entries) e.reject(err);
  }
}
