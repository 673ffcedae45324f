import { ErrorCode, formatMsgId, type GetIdsFrame, MSG_ID_BATCH } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import { reservationsValidFrom } from '../quotas.js';
import type { Session } from '../session.js';

/**
 * Action 2: ten fresh ids from the global sequence, reserved for the asking user until they expire
 * (`reservationTtlMs`); a user holds at most `maxReservedIds` unused, unexpired ids.
 */
export async function getIds(s: Session, f: GetIdsFrame): Promise<void> {
  const { ctx } = s;
  const now = ctx.clock.now();
  if (!ctx.idBatches.take(f.fromId, now)) {
    throw new CoreError(
      ErrorCode.RateLimited,
      `at most ${ctx.config.idBatchesPerMinute} id batches per minute`,
    );
  }
  const r = await ctx.write({
    kind: 'reserve',
    userId: f.fromId,
    count: MSG_ID_BATCH,
    nowMs: now,
    validFromMs: reservationsValidFrom(ctx.config, now),
    maxOutstanding: ctx.config.maxReservedIds,
  });
  if (r.outcome === 'too_many') {
    throw new CoreError(
      ErrorCode.QuotaExceeded,
      `at most ${ctx.config.maxReservedIds} unused message ids per user: use the ids you have first`,
    );
  }
  s.reply({ action: '2', toId: f.fromId, chatMsg: { message: r.ids.map(formatMsgId).join(',') } });
}
