import {
  CONVERSATION_ID_PATTERN,
  GROUP_CHANGE_MAX_MEMBERS,
  GROUP_NAME_MAX,
  isGroupId,
  isRoomId,
  isUserId,
  type MsgTypeCode,
} from '@parley/protocol';
import { ParleyError } from './errors.js';
import { isWellFormed, utf8Length } from './text.js';
import type { MessageContent } from './types.js';

/** Room for everything in a message frame but the message and the user ids. */
const FRAME_OVERHEAD_BYTES = 200;

function invalid(message: string): ParleyError {
  return new ParleyError('INVALID_ARGUMENT', message);
}

export function checkUser(user: string): void {
  if (!isUserId(user)) throw invalid(`not a user id: ${JSON.stringify(user)}`);
}

export function checkGroup(group: string): void {
  if (!isGroupId(group)) throw invalid(`not a group id (~…): ${JSON.stringify(group)}`);
}

export function checkRoom(room: string): void {
  if (!isRoomId(room)) throw invalid(`not a room id (!…): ${JSON.stringify(room)}`);
}

/** Where a message may go: a user, a group (`~…`) or a chat room (`!…`). */
export function checkConversation(id: string): void {
  if (typeof id !== 'string' || !CONVERSATION_ID_PATTERN.test(id)) {
    throw invalid(`not a user, group (~…) or room (!…) id: ${JSON.stringify(id)}`);
  }
}

/** A user or a group: what receipts, recalls and history are about (rooms keep nothing). */
export function checkUserOrGroup(id: string): void {
  if (!isUserId(id) && !isGroupId(id)) throw invalid(`not a user or group (~…) id: ${JSON.stringify(id)}`);
}

/** A group name: 1 to 128 characters of valid Unicode. */
export function checkGroupName(name: string): void {
  if (typeof name !== 'string' || name.length < 1 || name.length > GROUP_NAME_MAX) {
    throw invalid(`a group name has 1 to ${GROUP_NAME_MAX} characters`);
  }
  if (!isWellFormed(name)) throw invalid('the group name has a lone surrogate (not valid Unicode)');
}

/** User ids for a group change: one id or a list of `min` to 100, as an array. */
export function checkMembers(members: string | readonly string[], min = 1): string[] {
  if (typeof members !== 'string' && !Array.isArray(members)) throw invalid('members must be user ids');
  const list = typeof members === 'string' ? [members] : [...members];
  if (list.length < min || list.length > GROUP_CHANGE_MAX_MEMBERS) {
    throw invalid(`a group change names ${min} to ${GROUP_CHANGE_MAX_MEMBERS} members`);
  }
  for (const m of list) checkUser(m);
  return list;
}

/** Normalises `send()` content and refuses locally what the server would refuse or cut off. */
export function checkMessage(
  from: string,
  to: string,
  content: MessageContent,
  maxFrameBytes: number,
): { type: MsgTypeCode; message: string } {
  checkConversation(to);
  const { type, message } = typeof content === 'string' ? { type: 0 as const, message: content } : content;
  if (type !== 0 && type !== 1 && type !== 2) throw invalid('type must be 0, 1 or 2');
  if (typeof message !== 'string') throw invalid('the message must be a string');
  if (!isWellFormed(message)) throw invalid('the message has a lone surrogate (not valid Unicode)');
  // The size as written: JSON escapes included. A frame over the server's limit would get the
  // connection closed (1009), and resending it from the outbox would do so again and again.
  const bytes =
    utf8Length(JSON.stringify(message)) + utf8Length(from) + utf8Length(to) + FRAME_OVERHEAD_BYTES;
  if (bytes > maxFrameBytes) {
    throw new ParleyError('TOO_LARGE', `the message frame would be over ${maxFrameBytes} bytes`);
  }
  return { type, message };
}
