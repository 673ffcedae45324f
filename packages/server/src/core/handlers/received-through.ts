import { ErrorCode, type ReceivedThroughFrame } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import type { Session } from '../session.js';

/**
 * Action 22: the device has every message of its user's timeline up to `seq`, so none of them is
 * pending any more: one write for a burst of deliveries instead of one action 4 per message. No
 * reply. A position past this connection's is refused: the connection started at the timeline's
 * end, so no device of the user can have received it, and confirming it would say nothing about
 * the messages that will take it. (No read either: the connection knows its position.)
 */
export async function receivedThrough(s: Session, f: ReceivedThroughFrame): Promise<void> {
  const position = s.timelinePosition;
  if (f.seq > position) {
    throw new CoreError(
      ErrorCode.BadRequest,
      `seq ${f.seq} is past the end of ${f.fromId}'s timeline as this connection knows it (${position})`,
    );
  }
  await s.ctx.write({ kind: 'confirmThrough', userId: f.fromId, seq: f.seq });
}
