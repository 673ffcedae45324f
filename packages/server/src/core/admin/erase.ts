import { formatMsgId, type RecallNotice } from '@parley/protocol';
import type { CoreContext } from '../context.js';

/** Messages erased per group commit, and timeline entries read per page. */
const PAGE = 200;

/**
 * Erases every 1:1 message the user sent, found through its own timeline (a sent message is an
 * entry of it), page by page. Each recipient gets the recall notice action 6 sends. Returns how
 * many were erased now.
 */
export async function eraseSentMessages(ctx: CoreContext, userId: string): Promise<number> {
  let erased = 0;
  for (let after = 0; ; ) {
    const page = await ctx.store.receivedBetween(userId, after, Number.MAX_SAFE_INTEGER, PAGE);
    const sent = page.filter((m) => m.fromId === userId && !m.recalled);
    const results = await Promise.all(
      sent.map((m) => {
        const frame: RecallNotice = {
          action: '6',
          fromId: userId,
          toId: m.toId,
          chatMsg: { id: formatMsgId(m.msgId) },
        };
        const notice = JSON.stringify(frame);
        return ctx
          .write({
            kind: 'eraseMessage',
            userId,
            toId: m.toId,
            msgId: m.msgId,
            notice,
            timeMs: ctx.clock.now(),
          })
          .then((r) => ({ r, notice }));
      }),
    );
    for (const { r, notice } of results) {
      if (r.outcome !== 'erased') continue;
      erased++;
      // a note to oneself: nobody else to tell
      if (r.toId !== userId)
        ctx.publish({ kind: 'notice', userId: r.toId, noticeId: r.noticeId, frame: notice });
    }
    if (page.length < PAGE) return erased;
    after = page[page.length - 1]!.seq;
  }
}

/**
 * Erases every message the user sent to a group it is or was a member of, found by reading the
 * group's timeline (from its start: the user may have been a member before), page by page, up to
 * where it left or the group's end now. Members of now get a recall entry, as for action 6.
 */
export async function eraseGroupMessages(
  ctx: CoreContext,
  userId: string,
  membership: { groupId: string; leftSeq: number | undefined },
): Promise<number> {
  const { groupId } = membership;
  const group = await ctx.store.getGroup(groupId);
  if (!group) return 0;
  const end = membership.leftSeq ?? group.seqHead;
  let erased = 0;
  for (let after = 0; after < end; ) {
    const page = await ctx.store.groupEntries(groupId, after, end, PAGE);
    const mine = page.flatMap((e) =>
      e.kind === 'message' && e.message.fromId === userId && !e.message.recalled ? [e.message.msgId] : [],
    );
    const results = await Promise.all(
      mine.map((msgId) =>
        ctx.write({
          kind: 'eraseMessage',
          userId,
          toId: groupId,
          msgId,
          notice: '',
          timeMs: ctx.clock.now(),
        }),
      ),
    );
    for (const r of results) {
      if (r.outcome !== 'erased_in_group') continue;
      erased++;
      ctx.groups.publish([r.entry], r.recipients);
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
  }
  return erased;
}
