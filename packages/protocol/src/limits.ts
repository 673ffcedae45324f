/** History page sizes (Part A): default 20, at most 100. */
export const HISTORY_PAGE_DEFAULT = 20;
export const HISTORY_PAGE_MAX = 100;
/** Default heartbeat interval; a connection silent for 3 intervals is closed. */
export const HEARTBEAT_INTERVAL_MS = 30_000;
export const HEARTBEAT_MISSES = 3;
