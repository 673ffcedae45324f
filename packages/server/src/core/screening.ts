import type { ErrorCode } from '@parley/protocol';
import type { AppendResult, WriteOps } from '../store/store.js';
import { CoreError } from './core-error.js';
import type { Session } from './session.js';

type AppendOp = { kind: 'append' } & WriteOps['append']['op'];

/** What a message check answers: store it (perhaps with another text), or refuse it. */
export type ScreenVerdict =
  | { outcome: 'allow'; body?: string }
  | { outcome: 'refuse'; code: typeof ErrorCode.Rejected | typeof ErrorCode.Unavailable; reason: string };

/** A check of every message before it is stored (the webhooks' `message.before_send`). Never throws. */
export interface MessageScreen {
  check(m: Pick<AppendOp, 'msgId' | 'fromId' | 'toId' | 'type' | 'body' | 'timeMs'>): Promise<ScreenVerdict>;
}

/** Per connection: the turn of its last screened message (its write enqueued, or refused). */
const turns = new WeakMap<Session, Promise<void>>();

/**
 * Appends a message once `screen` allowed it, keeping the order the connection sent its messages
 * in: the checks of a connection's messages run side by side, but each write is enqueued only after
 * the writes (or refusals) of the messages before it, so a slow answer holds back the messages sent
 * after it rather than letting them overtake. A message already stored (a retry) is not checked
 * again: the store answers it as before.
 */
export function screenedAppend(s: Session, op: AppendOp, screen: MessageScreen): Promise<AppendResult> {
  const verdict = (async (): Promise<ScreenVerdict> =>
    (await s.ctx.store.getMessage(op.msgId)) ? { outcome: 'allow' } : screen.check(op))();
  let write: Promise<AppendResult> | undefined;
  const turn = (turns.get(s) ?? Promise.resolve())
    .then(() => verdict)
    .then((v) => {
      if (v.outcome === 'refuse') throw new CoreError(v.code, v.reason);
      // the digest stays the original's, so a retry of the same message is still one
      write = s.ctx.write(v.body === undefined ? op : { ...op, body: v.body, sentBody: op.body });
    });
  turns.set(
    s,
    turn.catch(() => {}),
  );
  return turn.then(() => write!);
}
