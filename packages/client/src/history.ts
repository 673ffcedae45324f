import {
  type GroupEventEntry,
  type HistoryEntry,
  type HistoryFrame,
  type HistoryReply,
  isGroupId,
} from '@parley/protocol';
import { ParleyError } from './errors.js';
import type { Ask } from './groups.js';
import type { GroupHistoryOptions, GroupHistoryPage, HistoryOptions } from './types.js';
import { checkGroup, checkUser } from './validate.js';

type Entry = HistoryEntry | GroupEventEntry;

/** A group's membership event in its history (`event` instead of `chatMsg`). */
export function isEventEntry(entry: Entry): entry is GroupEventEntry {
  return typeof (entry as GroupEventEntry).event === 'object' && (entry as GroupEventEntry).event !== null;
}

/** A message in a history page (not an event). */
export function isMessageEntry(entry: Entry): entry is HistoryEntry {
  const chatMsg = (entry as HistoryEntry).chatMsg;
  return typeof chatMsg === 'object' && chatMsg !== null && typeof chatMsg.id === 'string';
}

/** An entry's position in its group's timeline. */
export function entrySeq(entry: Entry): number | undefined {
  const seq = isEventEntry(entry) ? entry.event.seq : isMessageEntry(entry) ? entry.chatMsg.seq : undefined;
  return typeof seq === 'number' ? seq : undefined;
}

/** Splits a group history page into messages and events, keeping the order of each. */
export function splitPage(entries: Entry[]): GroupHistoryPage {
  return {
    entries,
    messages: entries.filter(isMessageEntry),
    events: entries.filter(isEventEntry),
  };
}

/**
 * 1:1 history (action 12): pages backwards by `baseMsgId`, newest page first, each oldest first,
 * until an empty page. A group as `with` yields that group's messages (its events are left out).
 */
export async function* history(
  ask: Ask,
  userId: string,
  opts: HistoryOptions,
): AsyncGenerator<HistoryEntry[], void, undefined> {
  if (opts.with !== undefined && isGroupId(opts.with)) {
    if (opts.before !== undefined) {
      throw new ParleyError('INVALID_ARGUMENT', 'a group history pages by position: use groupHistory()');
    }
    for await (const page of groupHistory(ask, userId, opts.with, { pageSize: opts.pageSize })) {
      if (page.messages.length > 0) yield page.messages;
    }
    return;
  }
  if (opts.with !== undefined) checkUser(opts.with);
  let base = opts.before;
  for (;;) {
    const frame: HistoryFrame = {
      action: '12',
      fromId: userId,
      ...(opts.with !== undefined && { toId: opts.with }),
      ...(base !== undefined && { baseMsgId: base }),
      ...(opts.pageSize !== undefined && { pageSize: opts.pageSize }),
    };
    const reply = (await ask(frame)) as HistoryReply;
    const entries: Entry[] = Array.isArray(reply.historyMsgs) ? reply.historyMsgs : [];
    const page = entries.filter(isMessageEntry);
    if (page.length === 0) return;
    yield page;
    base = page[0]!.chatMsg.id;
  }
}

/**
 * A group's history (action 12 with the group): pages backwards by position (`baseSeq`), newest
 * page first, each oldest first, messages and membership events, until an empty page.
 */
export async function* groupHistory(
  ask: Ask,
  userId: string,
  groupId: string,
  opts: GroupHistoryOptions = {},
): AsyncGenerator<GroupHistoryPage, void, undefined> {
  checkGroup(groupId);
  if (opts.beforeSeq !== undefined && !(Number.isSafeInteger(opts.beforeSeq) && opts.beforeSeq >= 0)) {
    throw new ParleyError('INVALID_ARGUMENT', 'beforeSeq must be a non-negative integer');
  }
  let base = opts.beforeSeq;
  for (;;) {
    const frame: HistoryFrame = {
      action: '12',
      fromId: userId,
      toId: groupId,
      ...(base !== undefined && { baseSeq: base }),
      ...(opts.pageSize !== undefined && { pageSize: opts.pageSize }),
    };
    const reply = (await ask(frame)) as HistoryReply;
    const entries: Entry[] = Array.isArray(reply.historyMsgs) ? reply.historyMsgs : [];
    if (entries.length === 0) return;
    yield splitPage(entries);
    const first = entrySeq(entries[0]!);
    if (first === undefined) {
      throw new ParleyError('PROTOCOL', 'a group history entry without its position (seq)', { action: '12' });
    }
    if (first <= 1) return; // nothing before the group's first position
    base = first;
  }
}
