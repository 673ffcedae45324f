/** Message ids are `MSG` followed by at least six digits: MSG000001, ..., MSG999999, MSG1000000. */
const MSG_ID = /^MSG(\d{6,15})$/;

export const MSG_ID_BATCH = 10;

export function formatMsgId(n: number): string {
  return `MSG${String(n).padStart(6, '0')}`;
}

/** The sequence number of a well-formed, canonical message id, or undefined. */
export function parseMsgId(id: string): number | undefined {
  const m = MSG_ID.exec(id);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n < 1 || !Number.isSafeInteger(n) || formatMsgId(n) !== id) return undefined;
  return n;
}

/** User ids: 1 to 64 of letters, digits and `_ . @ : + -` (seed ids like HK0001, emails, UUIDs). */
export const USER_ID_PATTERN = /^[A-Za-z0-9_.@:+-]{1,64}$/;

export function isUserId(v: unknown): v is string {
  return typeof v === 'string' && USER_ID_PATTERN.test(v);
}
