import { ErrorCode, isGroupId, type MessageDelivery, type SendMessageFrame } from '@parley/protocol';
import { mayPost } from '../../store/group-rules.js';
import { blockedBy, CoreError } from '../core-error.js';
import { dismissed, notMember, unknownGroup } from '../groups/group-service.js';
import type { Session } from '../session.js';

/**
 * A message with `"store": false` (B5): never written, delivered only to connections online now.
 * The sender gets status 1 once it went out, OFFLINE when nobody was there.
 */
export async function sendTransient(s: Session, f: SendMessageFrame): Promise<void> {
  const { ctx } = s;
  const toGroup = isGroupId(f.toId);
  const recipients = toGroup ? await groupRecipients(s, f) : [f.toId];
  if (!toGroup && (await ctx.store.isBlocked(f.toId, f.fromId))) throw blockedBy(f.toId);
  if (!toGroup && !(await ctx.isOnline(f.toId))) {
    throw new CoreError(ErrorCode.Offline, `${f.toId} is not online; transient messages are not stored`);
  }
  const now = ctx.clock.now();
  const time = ctx.time(now);
  const chatMsg = {
    id: f.chatMsg.id,
    type: f.chatMsg.type,
    message: f.chatMsg.message,
    status: 1 as const,
    time,
    ts: now,
  };
  const frame: MessageDelivery & { store: false } = {
    action: '3',
    fromId: f.fromId,
    toId: f.toId,
    chatMsg,
    store: false,
  };
  const text = JSON.stringify(frame);
  for (const userId of recipients) ctx.publish({ kind: 'transient', userId, frame: text });
  s.reply({
    action: '4',
    fromId: f.toId,
    toId: f.fromId,
    chatMsg: { id: f.chatMsg.id, status: 1, time, ts: now },
  });
}

/** The members a transient group message goes to (all but the sender), once it may post there. */
async function groupRecipients(s: Session, f: SendMessageFrame): Promise<string[]> {
  const { store, clock } = s.ctx;
  const [group, members] = await Promise.all([store.getGroup(f.toId), store.groupMembers(f.toId)]);
  if (!group) throw unknownGroup(f.toId);
  if (group.dismissed) throw dismissed(f.toId);
  const sender = members.find((m) => m.userId === f.fromId);
  if (!sender) throw notMember(f.toId);
  if (!mayPost(group, sender, clock.now()))
    throw new CoreError(ErrorCode.Muted, `you may not post in ${f.toId} now (muted)`);
  return members.filter((m) => m.userId !== f.fromId).map((m) => m.userId);
}
