import { Confirmations } from '../src/confirmations.js';
import { dispatchFrame, type InboundContext } from '../src/inbound.js';
import { RequestTable } from '../src/requests.js';
import { SeenIds } from '../src/seen-ids.js';
import type { ClientEvents, InboundFrame, OutboundFrame } from '../src/types.js';

/**
 * Frame dispatch in isolation: what it writes back and what it emits. Receipt confirmations are
 * written when the test calls `flush()` (or at the end of the turn).
 */
export function harness(opts: { verdictMs?: number } = {}) {
  const written: OutboundFrame[] = [];
  const confirmations = new Confirmations({
    userId: 'bob',
    delayMs: 0,
    verdictMs: opts.verdictMs ?? 5_000,
    write: (frame) => written.push(frame) > 0,
  });
  const events: { event: keyof ClientEvents; payload: unknown }[] = [];
  const settled: string[] = [];
  const advanced: number[] = [];
  const groupAdvanced: [string, number][] = [];
  const readElsewhere: [string, string][] = [];
  const noticesAdvanced: number[] = [];
  const ctx: InboundContext = {
    userId: 'bob',
    requests: new RequestTable(() => true, 5_000),
    seen: new SeenIds(100),
    answerPings: true,
    confirmations,
    emit: (event, payload) => events.push({ event, payload }),
    write: (frame) => written.push(frame),
    settled: (id) => settled.push(id),
    advance: (seq) => advanced.push(seq),
    advanceGroup: (groupId, seq) => groupAdvanced.push([groupId, seq]),
    readElsewhere: (conversationId, id) => readElsewhere.push([conversationId, id]),
    advanceNotice: (nid) => noticesAdvanced.push(nid),
  };
  const deliver = (frame: object) => dispatchFrame(ctx, frame as InboundFrame);
  const flush = () => confirmations.flush();
  /** A request of the app, written and waiting for its answer (answered in write order per action). */
  const request = (frame: OutboundFrame) =>
    ctx.requests.add({ kind: 'fifo', action: frame.action, frame, resend: true }, true);
  return {
    ctx,
    written,
    events,
    settled,
    advanced,
    groupAdvanced,
    readElsewhere,
    noticesAdvanced,
    deliver,
    flush,
    request,
  };
}

export const message = (id: string, extra: object = {}) => ({
  action: '3',
  fromId: 'alice',
  toId: 'bob',
  chatMsg: { id, type: 0, message: 'hi', status: 1, time: '2026-11-22 10:00:00', ts: 1 },
  ...extra,
});
