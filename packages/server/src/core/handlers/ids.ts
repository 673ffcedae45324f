import { ErrorCode, formatMsgId, type GetIdsFrame, MSG_ID_BATCH } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import type { Session } from '../session.js';

/** Action 2: ten fresh ids from the global sequence, reserved for the asking user. */
export async function getIds(s: Session, f: GetIdsFrame): Promise<void> {
  if (!s.core.idBatches.take(f.fromId, s.core.clock.now())) {
    throw new CoreError(
      ErrorCode.RateLimited,
      `at most ${s.core.config.idBatchesPerMinute} id batches per minute`,
    );
  }
  const ids = await s.core.commits.enqueue({ kind: 'reserve', userId: f.fromId, count: MSG_ID_BATCH });
  s.reply({ action: '2', toId: f.fromId, chatMsg: { message: ids.map(formatMsgId).join(',') } });
}
