import type { AppendResult, WriteOp, WriteOps, WriteResult } from '../../store.js';
import type { WriterError } from './writer-messages.js';

/** In the writer thread's results: this operation failed (alone, in a transaction of its own). */
export class OpFailure {
  constructor(readonly error: WriterError) {}
}

/**
 * How a batch and its results cross to and from the writer thread. Structured cloning an object
 * costs per property: a batch of 1,000 operations as objects took about 4 ms each way on the
 * benchmark machine. The two operations that make up nearly every batch under load, a 1:1
 * `append` and a `confirm`, and their usual results travel as runs of primitives in one flat
 * array instead (about a fifth of the cost); anything else travels as the object itself.
 *
 * A flat array is a sequence of records, each starting with its tag.
 */
const OTHER = 0;
const APPEND = 1;
const CONFIRM = 2;
/** Results: a 1:1 message stored as its op said (only the positions are new). */
const STORED = 3;
const FOUND = 4;
const NOT_FOUND = 5;
/** An operation that failed in a transaction of its own (after its batch failed). */
const FAILED = 6;

type Append = { kind: 'append' } & WriteOps['append']['op'];

export function encodeOps(ops: readonly WriteOp[]): unknown[] {
  const flat: unknown[] = [];
  for (const op of ops) {
    if (op.kind === 'append' && op.asSystem === undefined && op.sentBody === undefined) {
      flat.push(APPEND, op.msgId, op.fromId, op.toId, op.type, op.body, op.timeMs);
      flat.push(op.validFromMs, op.maxPending);
    } else if (op.kind === 'confirm') flat.push(CONFIRM, op.userId, op.msgId);
    else flat.push(OTHER, op);
  }
  return flat;
}

export function decodeOps(flat: readonly unknown[]): WriteOp[] {
  const ops: WriteOp[] = [];
  let i = 0;
  while (i < flat.length) {
    const tag = flat[i++];
    if (tag === APPEND) {
      ops.push({
        kind: 'append',
        msgId: flat[i] as number,
        fromId: flat[i + 1] as string,
        toId: flat[i + 2] as string,
        type: flat[i + 3] as Append['type'],
        body: flat[i + 4] as string,
        timeMs: flat[i + 5] as number,
        validFromMs: flat[i + 6] as number,
        maxPending: flat[i + 7] as number,
      });
      i += 8;
    } else if (tag === CONFIRM) {
      ops.push({ kind: 'confirm', userId: flat[i] as string, msgId: flat[i + 1] as number });
      i += 2;
    } else ops.push(flat[i++] as WriteOp);
  }
  return ops;
}

/** Whether a result is exactly the message its op described, at new positions. */
function storedAsSent(op: Append, r: AppendResult): r is Extract<AppendResult, { outcome: 'stored' }> {
  if (r.outcome !== 'stored' || r.recipients !== undefined) return false;
  const m = r.message;
  return (
    m.msgId === op.msgId &&
    m.fromId === op.fromId &&
    m.toId === op.toId &&
    m.type === op.type &&
    m.body === op.body &&
    m.timeMs === op.timeMs &&
    m.status === 1 &&
    !m.recalled &&
    Object.keys(r).length === (r.senderSeq === undefined ? 2 : 3) &&
    Object.keys(m).length === 9
  );
}

export function encodeResults(
  ops: readonly WriteOp[],
  results: readonly (WriteResult | OpFailure)[],
): unknown[] {
  const flat: unknown[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const r = results[i]!;
    if (r instanceof OpFailure) flat.push(FAILED, r.error);
    else if (op.kind === 'append' && storedAsSent(op, r as AppendResult)) {
      const stored = r as Extract<AppendResult, { outcome: 'stored' }>;
      flat.push(STORED, stored.message.seq, stored.senderSeq ?? -1);
    } else if (op.kind === 'confirm' && Object.keys(r as object).length === 1)
      flat.push((r as { found: boolean }).found ? FOUND : NOT_FOUND);
    else flat.push(OTHER, r);
  }
  return flat;
}

/** The results; a failed operation's place holds its error, made by `toError`. */
export function decodeResults(
  ops: readonly WriteOp[],
  flat: readonly unknown[],
  toError: (e: WriterError) => Error,
): (WriteResult | Error)[] {
  const results: (WriteResult | Error)[] = [];
  let i = 0;
  for (const op of ops) {
    const tag = flat[i++];
    if (tag === STORED) {
      const m = op as Append;
      const seq = flat[i] as number;
      const senderSeq = flat[i + 1] as number;
      i += 2;
      const { msgId, fromId, toId, type, body, timeMs } = m;
      const message = { seq, msgId, fromId, toId, type, body, status: 1, timeMs, recalled: false };
      results.push(
        senderSeq < 0 ? { outcome: 'stored', message } : { outcome: 'stored', message, senderSeq },
      );
    } else if (tag === FOUND || tag === NOT_FOUND) results.push({ found: tag === FOUND });
    else if (tag === FAILED) results.push(toError(flat[i++] as WriterError));
    else results.push(flat[i++] as WriteResult);
  }
  return results;
}
