/** Message ids are `MSG` followed by at least six digits: MSG000001, ..., MSG999999, MSG1000000. */
export const MSG_ID_BATCH = 10;

export function formatMsgId(n: number): string {
  return `MSG${String(n).padStart(6, '0')}`;
}

const ZERO = 0x30;

/**
 * The sequence number of a well-formed, canonical message id (`MSG` and 6 to 15 digits, the number
 * at least 1, no leading zero past six digits: `formatMsgId` gives it back), or undefined. Read
 * digit by digit: it runs for every message and every confirmation.
 */
export function parseMsgId(id: string): number | undefined {
  const length = id.length;
  if (length < 9 || length > 18 || !id.startsWith('MSG')) return undefined;
  let n = 0;
  for (let i = 3; i < length; i++) {
    const digit = id.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return undefined;
    n = n * 10 + digit; // at most 15 digits: exact
  }
  if (n < 1 || (length > 9 && id.charCodeAt(3) === ZERO)) return undefined;
  return n;
}

/** User ids: 1 to 64 of letters, digits and `_ . @ : + -` (seed ids like HK0001, emails, UUIDs). */
export const USER_ID_PATTERN = /^[A-Za-z0-9_.@:+-]{1,64}$/;

export function isUserId(v: unknown): v is string {
  return typeof v === 'string' && USER_ID_PATTERN.test(v);
}

/** Group ids: `~` then 1 to 63 of letters, digits and `_ . -` (`~` is never in a user id). */
export const GROUP_ID_PATTERN = /^~[A-Za-z0-9_.-]{1,63}$/;
/** Chat room ids: `!` then 1 to 63 of letters, digits and `_ . -` (`!` is never in a user id). */
export const ROOM_ID_PATTERN = /^![A-Za-z0-9_.-]{1,63}$/;
/** Where a receipt or a recall may point: a user or a group. */
export const USER_OR_GROUP_ID_PATTERN = /^(?:[A-Za-z0-9_.@:+-]{1,64}|~[A-Za-z0-9_.-]{1,63})$/;
/** Any conversation a message can go to: a user, a group or a chat room. */
export const CONVERSATION_ID_PATTERN = /^(?:[A-Za-z0-9_.@:+-]{1,64}|[~!][A-Za-z0-9_.-]{1,63})$/;

export function isGroupId(v: unknown): v is string {
  return typeof v === 'string' && GROUP_ID_PATTERN.test(v);
}

export function isRoomId(v: unknown): v is string {
  return typeof v === 'string' && ROOM_ID_PATTERN.test(v);
}

/** What kind of conversation an id names, by its first character. */
export function conversationKind(id: string): 'user' | 'group' | 'room' {
  const c = id.charCodeAt(0);
  return c === 0x7e ? 'group' : c === 0x21 ? 'room' : 'user';
}
