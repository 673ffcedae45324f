import type {
  GroupEvent,
  GroupEventEntry,
  GroupEventFrame,
  GroupInfo,
  GroupMember,
  HistoryEntry,
  MessageDelivery,
  RecallNotice,
  TimeFormatter,
} from '@parley/protocol';
import { formatMsgId } from '@parley/protocol';
import type { MessageDelivery as BusMessage } from '../../bus/bus.js';
import type { GroupEntry, GroupEventData, GroupRecord, MemberRecord } from '../../store/groups.js';
import { chatMsgOf } from '../wire.js';

/** Group records and timeline entries as wire frames. */
export function groupInfo(g: GroupRecord): GroupInfo {
  const info: GroupInfo = {
    id: g.id,
    name: g.name,
    ownerId: g.ownerId,
    mutedAll: g.mutedAll,
    memberCount: g.memberCount,
    seq: g.seqHead,
    ts: g.createdMs,
  };
  if (g.dismissed) info.dismissed = true;
  return info;
}

export function groupMember(m: MemberRecord, nowMs: number): GroupMember {
  const member: GroupMember = {
    userId: m.userId,
    name: m.name,
    role: m.role,
    joinedSeq: m.joinedSeq,
    readSeq: m.readSeq,
  };
  if (m.mutedUntilMs !== undefined && (m.mutedUntilMs === 0 || m.mutedUntilMs > nowMs))
    member.mutedUntilTs = m.mutedUntilMs;
  return member;
}

function eventOf(data: GroupEventData, seq: number, timeMs: number, time: TimeFormatter): GroupEvent {
  const { untilMs, ...rest } = data;
  const event: GroupEvent = { ...rest, seq, time: time(timeMs), ts: timeMs };
  if (untilMs !== undefined) event.untilTs = untilMs;
  return event;
}

/** The frame an entry reaches members' connections as: a message, its recall, or an event. */
export function groupEntryFrame(e: GroupEntry, time: TimeFormatter): string {
  switch (e.kind) {
    case 'message': {
      const frame: MessageDelivery = {
        action: '3',
        fromId: e.message.fromId,
        toId: e.groupId,
        chatMsg: chatMsgOf(e.message, time, e.seq),
      };
      return JSON.stringify(frame);
    }
    case 'recall': {
      const frame: RecallNotice = {
        action: '6',
        fromId: e.message.fromId,
        toId: e.groupId,
        chatMsg: { id: formatMsgId(e.message.msgId), seq: e.seq },
      };
      return JSON.stringify(frame);
    }
    case 'event': {
      const frame: GroupEventFrame = {
        action: '16',
        fromId: e.actorId,
        toId: e.groupId,
        event: eventOf(e.event, e.seq, e.timeMs, time),
      };
      return JSON.stringify(frame);
    }
  }
}

/** A history entry of a group: a message (with its group position) or an event. */
export function groupHistoryEntry(e: GroupEntry, time: TimeFormatter): HistoryEntry | GroupEventEntry {
  if (e.kind === 'event')
    return { fromId: e.actorId, toId: e.groupId, event: eventOf(e.event, e.seq, e.timeMs, time) };
  return { fromId: e.message.fromId, toId: e.groupId, chatMsg: chatMsgOf(e.message, time, e.seq) };
}

/** A timeline entry on its way to one member's connections. */
export function groupEntryDelivery(e: GroupEntry, userId: string, time: TimeFormatter): BusMessage {
  return { kind: 'message', userId, seq: e.seq, stream: e.groupId, frame: groupEntryFrame(e, time) };
}
