/** History page sizes (Part A): default 20, at most 100. */
export const HISTORY_PAGE_DEFAULT = 20;
export const HISTORY_PAGE_MAX = 100;
/** Default heartbeat interval; a connection silent for 3 intervals is closed. */
export const HEARTBEAT_INTERVAL_MS = 30_000;
export const HEARTBEAT_MISSES = 3;
/** Conversation list page sizes: default 20, at most 100. */
export const CONVERSATIONS_PAGE_DEFAULT = 20;
export const CONVERSATIONS_PAGE_MAX = 100;
/** Unread counts in the conversation list stop at this. */
export const UNREAD_MAX = 999;
/** Group names: 1 to 128 characters; at most this many user ids per group change. */
export const GROUP_NAME_MAX = 128;
export const GROUP_CHANGE_MAX_MEMBERS = 100;
